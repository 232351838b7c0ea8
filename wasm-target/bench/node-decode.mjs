// Decode speed of the WebAssembly build in Node: node bench/node-decode.mjs MODEL.gguf [tokens] [runs]
// Loads through the public API (target/npm/chord.js), then generates greedily from a fixed prompt.
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { Chord } = await import(pathToFileURL(join(here, "../target/npm/chord.js")).href);
const [file, tokens = "32", runs = "3"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/node-decode.mjs MODEL.gguf [tokens=32] [runs=3]");
  process.exit(2);
}
const t0 = performance.now();
let lastReport = 0;
const llm = await Chord.load(file, {
  contextLength: 256,
  onProgress: ({ loaded, total }) => {
    if (loaded - lastReport >= 256 * 2 ** 20 || loaded === total) {
      lastReport = loaded;
      process.stderr.write(`loaded ${(loaded / 2 ** 20).toFixed(0)} of ${(total / 2 ** 20).toFixed(0)} MiB\n`);
    }
  },
});
const loadMs = performance.now() - t0;
const info = llm.info();
console.log(`${file}: ${(info.fileSize / 1e9).toFixed(2)} GB, loaded in ${(loadMs / 1000).toFixed(1)} s`);
const rates = [];
for (let r = 0; r < Number(runs) + 1; r++) {
  llm.reset();
  const g = llm.generate("Once upon a time", { temperature: 0, maxTokens: Number(tokens), ignoreEos: true });
  await g.text();
  if (r === 0) continue; // warm-up: V8's tiers compile the hot loops
  rates.push(g.usage.decodeTokensPerSecond);
  console.log(`run ${r}: prefill ${g.usage.promptTokens} tokens at ${g.usage.prefillTokensPerSecond.toFixed(2)} tok/s,`
    + ` decode ${g.usage.generatedTokens} tokens at ${g.usage.decodeTokensPerSecond.toFixed(2)} tok/s`);
}
rates.sort((a, b) => a - b);
console.log(`node ${process.version} wasm decode: median ${rates[Math.floor(rates.length / 2)].toFixed(2)} tok/s`);
llm.dispose();
