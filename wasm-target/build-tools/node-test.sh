#!/usr/bin/env bash
# Runs the Node tests of the compiled engine (src/test/node/*.test.mjs) under Node >= 22, which Wasm GC needs.
# Node comes from, in order: $CHORD_NODE, wasm-target/node_modules (npm package "node"), the PATH.
# When none is >= 22, or TypeScript (for the package's type check) is missing, package.json's tools are
# installed from the npm registry (never nodejs.org) into wasm-target/node_modules; after that first
# install the build works offline.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

pick_node() {
  local c
  for c in "${CHORD_NODE:-}" "$here/node_modules/node/bin/node" "$(command -v node || true)"; do
    [ -n "$c" ] && [ -x "$c" ] || continue
    if [ "$(major "$c")" -ge 22 ]; then echo "$c"; return 0; fi
  done
  return 1
}

tsc="$here/node_modules/typescript/bin/tsc"
if ! node_bin="$(pick_node)" || [ ! -f "$tsc" ]; then
  echo "wasm-target: installing the build's tools (Node 22, TypeScript) from the npm registry" >&2
  if ! command -v npm >/dev/null; then
    echo "wasm-target: npm is needed once to install Node 22 (Debian: apt-get install npm), or set CHORD_NODE" >&2
    exit 1
  fi
  npm install --no-audit --no-fund --prefix "$here" >&2
  node_bin="$(pick_node)" || { echo "wasm-target: npm installed no usable Node >= 22 in $here/node_modules" >&2; exit 1; }
fi
echo "wasm-target: node tests with $node_bin ($("$node_bin" --version))" >&2

export CHORD_TSC="$tsc"
export CHORD_TARGET_DIR="${CHORD_TARGET_DIR:-$here/target}"
export CHORD_WASM_DIR="${CHORD_WASM_DIR:-$here/target/wasm}"
export CHORD_NPM_DIR="${CHORD_NPM_DIR:-$here/target/npm}"
export CHORD_NPM_PACKAGE="${CHORD_NPM_PACKAGE:-$(ls "$here"/target/wasm-chord-*.tgz 2>/dev/null | head -n 1)}"
export SHARED_MODELS="${SHARED_MODELS:-$here/../../shared/models}"
exec "$node_bin" --test --test-reporter=spec "$here"/src/test/node/*.test.mjs
