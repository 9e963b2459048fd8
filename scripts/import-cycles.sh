#!/usr/bin/env bash
# Fails when any package's source imports itself back, file by file (issue 19):
# madge over every plugins/* and packages/* src, type-only imports included,
# since they tie modules together as much for the reader.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dirs=(plugins/*/src packages/*/src)
exec node_modules/.bin/madge --circular --no-spinner --no-color \
  --extensions ts,tsx --ts-config tsconfig.json "${dirs[@]}"
