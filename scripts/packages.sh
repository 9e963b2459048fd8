#!/usr/bin/env bash
# Builds every plugin package as it would be published, packs it and checks
# the tarballs (main / module / types / exports against the packed files, no
# workspace: ranges, no test libraries at runtime).
#   scripts/packages.sh [out dir]   tarballs go to out dir (default .packed/)
# Needs the declarations from `yarn tsc` (dist-types/); CI runs tsc first.
set -euo pipefail

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/toolchain.sh
source "$SCRIPTS_DIR/toolchain.sh"
cd "$REPO_ROOT"

OUT="$(mkdir -p "${1:-.packed}" && cd "${1:-.packed}" && pwd)"
rm -f "$OUT"/*.tgz

[ -d dist-types/plugins ] || yarn tsc

for dir in plugins/*/; do
  name="$(node -p "require('./${dir}package.json').name")"
  file="$(node -p "require('./${dir}package.json').name.replace('@','').replace('/','-')")"
  printf '» build and pack %s\n' "$name"
  (
    cd "$dir"
    yarn backstage-cli package build >/dev/null
    # prepack rewrites package.json to its published form, postpack restores it.
    yarn pack --out "$OUT/$file.tgz" >/dev/null
  )
done

node "$SCRIPTS_DIR/check-packed.js" "$OUT"
