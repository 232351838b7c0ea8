# Sourced by the build's Node scripts: sets node_bin to a Node >= 22 (Wasm GC) and makes sure the tools
# of package.json (TypeScript, wabt) are installed. Node comes from, in order: $CHORD_NODE,
# wasm-target/node_modules (npm package "node"), the PATH. When none is >= 22 or a tool is missing,
# package.json's tools are installed from the npm registry (never nodejs.org) into
# wasm-target/node_modules; after that first install the build works offline.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

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
wabt="$here/node_modules/wabt/index.js"
if ! node_bin="$(pick_node)" || [ ! -f "$tsc" ] || [ ! -f "$wabt" ]; then
  echo "wasm-target: installing the build's tools (Node 22, TypeScript, wabt) from the npm registry" >&2
  if ! command -v npm >/dev/null; then
    echo "wasm-target: npm is needed once to install Node 22 (Debian: apt-get install npm), or set CHORD_NODE" >&2
    exit 1
  fi
  npm install --no-audit --no-fund --prefix "$here" >&2
  node_bin="$(pick_node)" || { echo "wasm-target: npm installed no usable Node >= 22 in $here/node_modules" >&2; exit 1; }
fi
