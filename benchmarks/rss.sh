#!/usr/bin/env bash
# Memory benchmark: weights are used in place from the memory map, so the resident set after loading
# a model should be at most the file size + the KV cache + 64 MiB.
#
#   benchmarks/rss.sh [SHAPE] [TYPE] [CTX]     (default: tinyllama-1.1b Q8_0, 2048: a 1.17 GB file)
#
# Writes a random-weight model with `chord synth` (kept in $CHORD_BENCH_DIR, default /tmp/chord-bench),
# runs `chord generate` on it, and prints the RSS after loading and after generating (from
# /proc/self/status, as the command itself reports it), then checks the budget.
#
# The JVM runs with the serial collector and a 4 MiB young generation: a decoding loop allocates
# nothing, and a bigger young generation only adds touched pages. A bare JVM takes about 40 MiB of the
# 64 MiB (its libraries, class-data archive and native structures).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shape="${1:-tinyllama-1.1b}"
type="${2:-Q8_0}"
ctx="${3:-2048}"
dir="${CHORD_BENCH_DIR:-/tmp/chord-bench}"
model="$dir/$shape-$type.gguf"
mkdir -p "$dir"

"$root/chord" --help >/dev/null 2>&1 || true   # builds the CLI when needed
if [ ! -f "$model" ]; then
  "$root/chord" synth --shape "$shape" --type "$type" \
      --vocab "$root/../shared/models/stories260K/stories260K-F32.gguf" "$model" >&2
fi
source_java() {
  local j
  for j in "${CHORD_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    if [ -n "$j" ] && [ -x "$j/bin/java" ]; then echo "$j/bin/java"; return; fi
  done
  echo java
}
java="$(source_java)"
jar="$(ls "$root"/host-native/target/host-native-*.jar | head -n 1)"
# shellcheck disable=SC2086
out="$("$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${CHORD_BENCH_JVM:--XX:+UseSerialGC -Xmn4m} \
        -cp "$jar:$root/host-native/target/lib/*" io.wasmchord.cli.Chord \
        generate -m "$model" -p "Once upon a time" -n 4 --temp 0 -c "$ctx" 2>&1 >/dev/null)"
echo "$out" | grep -v '^WARNING' >&2
line="$(echo "$out" | grep 'memory after loading')"
rss=$(echo "$line" | sed -E 's/.*RSS ([0-9]+) MiB = model file ([0-9]+) MiB \+ KV cache ([0-9]+) MiB.*/\1 \2 \3/')
read -r r f k <<<"$rss"
budget=$((f + k + 64))
echo "rss after loading: $r MiB; budget (file $f + KV $k + 64): $budget MiB" >&2
[ "$r" -le "$budget" ] && echo "within budget" || { echo "OVER BUDGET"; exit 1; }
