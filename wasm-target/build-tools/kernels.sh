#!/usr/bin/env bash
# Assembles the SIMD kernels (src/main/wat/chord-kernels.wat) into $1 (chord-kernels.wasm) with wabt.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-tools.sh"
exec "$node_bin" "$here/build-tools/assemble-kernels.mjs" "$here/src/main/wat/chord-kernels.wat" "$1"
