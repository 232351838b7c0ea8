#!/usr/bin/env bash
# Runs the Node tests of the compiled engine (src/test/node/*.test.mjs) under Node >= 22, which Wasm GC needs.
# Node and the tools come from node-tools.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-tools.sh"
cd "$here"
echo "wasm-target: node tests with $node_bin ($("$node_bin" --version))" >&2

export CHORD_TSC="$tsc"
export CHORD_TARGET_DIR="${CHORD_TARGET_DIR:-$here/target}"
export CHORD_WASM_DIR="${CHORD_WASM_DIR:-$here/target/wasm}"
export CHORD_NPM_DIR="${CHORD_NPM_DIR:-$here/target/npm}"
export CHORD_NPM_PACKAGE="${CHORD_NPM_PACKAGE:-$(ls "$here"/target/wasm-chord-*.tgz 2>/dev/null | head -n 1)}"
export SHARED_MODELS="${SHARED_MODELS:-$here/../../shared/models}"
exec "$node_bin" --test --test-reporter=spec "$here"/src/test/node/*.test.mjs
