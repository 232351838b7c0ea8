// Decode speed of the WebAssembly build in Node:
//   node bench/node-decode.mjs MODEL.gguf [tokens=32] [runs=3] [kernels=simd,scalar]
// Loads through the public API (target/npm/chord.js) once per kernel choice, then generates greedily
// from a fixed prompt, and evaluates a prompt of 128 tokens (prefill). Prints wall-clock tok/s and tok
// per CPU-second of this process (the fairer figure on a busy machine: the engine runs on one thread).
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { Chord } = await import(pathToFileURL(join(here, "../target/npm/chord.js")).href);
const [file, tokens = "32", runs = "3", kernelList = "simd,scalar"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/node-decode.mjs MODEL.gguf [tokens=32] [runs=3] [kernels=simd,scalar]");
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = [];
for (const kernels of kernelList.split(",")) {
  const t0 = performance.now();
  const llm = await Chord.load(file, { contextLength: 256, kernels });
  const loadMs = performance.now() - t0;
  const info = llm.info();
  console.log(`${file}: ${(info.fileSize / 1e9).toFixed(2)} GB, loaded in ${(loadMs / 1000).toFixed(1)} s, kernels ${info.kernels}`);
  const rates = [];
  const cpuRates = [];
  for (let r = 0; r < Number(runs) + 1; r++) {
    llm.reset();
    // The prompt first (max 1 token), then decode alone, timed by wall clock and CPU time.
    const prompt = llm.tokenize("Once upon a time");
    await llm.generate(prompt, { temperature: 0, maxTokens: 1 }).text();
    const cpu0 = process.cpuUsage();
    const g = llm.generate(prompt, { temperature: 0, maxTokens: Number(tokens), ignoreEos: true });
    await g.text();
    const cpu = process.cpuUsage(cpu0);
    if (r === 0) continue; // warm-up: V8's tiers compile the hot loops
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    rates.push(g.usage.decodeTokensPerSecond);
    cpuRates.push(g.usage.generatedTokens / cpuSeconds);
    console.log(`  run ${r}: decode ${g.usage.generatedTokens} tokens at ${g.usage.decodeTokensPerSecond.toFixed(2)} tok/s,`
      + ` ${(g.usage.generatedTokens / cpuSeconds).toFixed(2)} tok/CPU-s`);
  }
  const prompt128 = Array.from({ length: 128 }, (_, i) => (i === 0 ? 1 : 100 + ((i * 37) % 400)));
  const prefill = [];
  for (let r = 0; r < 2; r++) {
    const cpu0 = process.cpuUsage();
    llm.evaluate(prompt128, { reuseCache: false });
    const cpu = process.cpuUsage(cpu0);
    if (r > 0) prefill.push(128 / ((cpu.user + cpu.system) / 1e6));
  }
  summary.push(`${kernels}: decode median ${median(rates).toFixed(2)} tok/s, ${median(cpuRates).toFixed(2)} tok/CPU-s;`
    + ` prefill 128 ${median(prefill).toFixed(1)} tok/CPU-s`);
  llm.dispose();
}
console.log(`node ${process.version} wasm decode, ${file}: ${summary.join("; ")}`);
