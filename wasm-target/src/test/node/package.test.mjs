// The npm package as a user gets it: `npm pack`'s tarball installed into an empty project, public API only.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { model, npmPackage } from "./support.mjs";

const run = promisify(execFile);
let project;

before(async () => {
  assert.ok(npmPackage, "CHORD_NPM_PACKAGE names no tarball: run `mvn package` first");
  project = await mkdtemp(join(tmpdir(), "chord-npm-"));
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "user-app", private: true, type: "module" }));
  // The package has no dependencies, so this needs no registry.
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", npmPackage], { cwd: project });
});

after(async () => {
  await rm(project, { recursive: true, force: true });
});

test("the packed tarball installs into an empty project, type-checks, and works through its public API", async () => {
  const installed = JSON.parse(await readFile(join(project, "node_modules/wasm-chord/package.json"), "utf8"));
  assert.equal(installed.name, "wasm-chord");
  assert.match(installed.version, /^\d+\.\d+\.\d+/);
  assert.equal(installed.exports["."].types, "./chord.d.ts");
  const types = await readFile(join(project, "node_modules/wasm-chord/chord.d.ts"), "utf8");
  assert.match(types, /static load\(source: ModelSource \| ModelSource\[\], options\?: LoadOptions\): Promise<Chord>/);
  const readme = await readFile(join(project, "node_modules/wasm-chord/README.md"), "utf8");
  assert.match(readme, /import \{ Chord \} from "wasm-chord"/);

  await writeFile(join(project, "app.mjs"), `
    import { Chord } from "wasm-chord";
    import DefaultChord from "wasm-chord";
    const llm = await Chord.load(process.argv[2]);
    const ids = llm.tokenize("Once upon a time");
    console.log(JSON.stringify({
      sameDefault: DefaultChord === Chord,
      architecture: llm.info().metadata["general.architecture"],
      tensors: llm.info().tensors.length,
      ids,
      text: llm.detokenize(ids.slice(1)),
    }));
    llm.dispose();
  `);
  // The declarations describe what a TypeScript user writes, under strict checking.
  await writeFile(join(project, "app.ts"), `
    import { Chord, type GenerateOptions, type ModelInfo, type Usage } from "wasm-chord";
    import { ChordWorker } from "wasm-chord/worker";
    export async function main(url: string, signal: AbortSignal): Promise<string> {
      const llm: Chord = await Chord.load([url], { onProgress: ({ loaded, total }) => void (loaded / (total ?? 1)), signal });
      const info: ModelInfo = llm.info();
      const options: GenerateOptions = { maxTokens: 8, temperature: 0, stop: ["."], seed: 1 };
      const g = llm.generate(llm.tokenize("Hi", { addSpecial: true }), options);
      let text = "";
      for await (const piece of g) text += piece;
      const usage: Usage | null = g.usage;
      const logits: Float32Array = llm.evaluate([1, 2], { reuseCache: false });
      const w: ChordWorker = await ChordWorker.load(new Uint8Array(8), { transfer: false, contextLength: 64, signal });
      const wg = w.generate("Hi", options);
      for await (const piece of wg) text += piece;
      const wLogits: Float32Array = await w.evaluate(await w.tokenize("Hi"));
      const wUsage: Usage | null = wg.usage;
      await w.dispose();
      text += String(logits[0] + wLogits[0]) + (wUsage?.stopReason ?? "") + (await w.info()).name;
      llm.dispose();
      return info.name + text + (usage?.stopReason ?? "") + llm.detokenize(g.tokens ?? []);
    }
  `);
  await writeFile(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: {
    strict: true, noEmit: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext",
    lib: ["es2022", "dom", "dom.asynciterable"], types: [], skipLibCheck: false } , files: ["app.ts"] }));
  const tsc = process.env.CHORD_TSC;
  await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project }).catch((e) => {
    assert.fail("tsc rejected a typed use of the package:\n" + e.stdout + e.stderr);
  });
  await writeFile(join(project, "bad.ts"), `import { Chord } from "wasm-chord"; Chord.load(42);`);
  await writeFile(join(project, "tsconfig.bad.json"), JSON.stringify({ extends: "./tsconfig.json", files: ["bad.ts"] }));
  await assert.rejects(run(process.execPath, [tsc, "-p", "tsconfig.bad.json"], { cwd: project }),
    (e) => /TS2345/.test(e.stdout), "tsc accepted Chord.load(42)");
  await writeFile(join(project, "bad.ts"), `import { ChordWorker } from "wasm-chord/worker";
    export const n: number = (await ChordWorker.load("m.gguf")).tokenize("x").length;`);
  await assert.rejects(run(process.execPath, [tsc, "-p", "tsconfig.bad.json"], { cwd: project }),
    (e) => /TS2339/.test(e.stdout), "tsc took ChordWorker.tokenize for a synchronous call");

  const { stdout } = await run(process.execPath, ["app.mjs", model("stories260K/stories260K-Q4_0.gguf")], { cwd: project });
  assert.deepEqual(JSON.parse(stdout), {
    sameDefault: true,
    architecture: "llama",
    tensors: 48,
    ids: [1, 403, 407, 261, 378],
    text: "Once upon a time",
  });
});

test("wasm-chord/worker runs the engine in a worker_threads Worker, with the API of Chord", async () => {
  const jvmTokens = JSON.parse(await readFile(join(process.env.CHORD_TARGET_DIR, "jvm-tokens.json"), "utf8"));
  const jvmLogits = JSON.parse(await readFile(join(process.env.CHORD_TARGET_DIR, "jvm-logits.json"), "utf8"));
  await writeFile(join(project, "worker-app.mjs"), `
    import { ChordWorker } from "wasm-chord/worker";
    import { readFile } from "node:fs/promises";
    const [file, other] = process.argv.slice(2);
    const out = {};
    const progress = [];
    const llm = await ChordWorker.load(file, { contextLength: 256, kernels: "scalar", onProgress: (p) => progress.push(p) });
    out.progress = progress;
    out.architecture = (await llm.info()).metadata["general.architecture"];
    out.ids = await llm.tokenize("Once upon a time");
    out.text = await llm.detokenize(out.ids, { removeSpecial: true });
    out.greedy = {};
    for (const prompt of ["Once upon a time", "The little dog", "Lily wanted to"]) {
      await llm.reset();
      const g = llm.generate(prompt, { temperature: 0, maxTokens: 64, ignoreEos: true });
      let text = "";
      for await (const piece of g) text += piece;
      out.greedy[prompt] = { tokens: g.tokens, text, expectedText: await llm.detokenize([1, ...g.tokens], { removeSpecial: true }), usage: g.usage };
    }
    await llm.reset();
    const sampled = llm.generate("Once upon a time", { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed: 42, maxTokens: 16, ignoreEos: true });
    await sampled.text();
    out.sampled = sampled.tokens;
    out.logits = [];
    const forced = JSON.parse(process.argv[4]);
    const tokens = [...out.ids];
    for (let step = 0; step <= forced.length; step++) {
      const l = await llm.evaluate(tokens);
      out.logits.push(Buffer.from(l.buffer, l.byteOffset, l.byteLength).toString("base64"));
      tokens.push(forced[step]);
    }

    // Abort a generation after three pieces; leave another loop early.
    const controller = new AbortController();
    const aborted = llm.generate("The little dog", { temperature: 0, maxTokens: 60, signal: controller.signal });
    let n = 0;
    try {
      for await (const piece of aborted) if (++n === 3) controller.abort(new Error("stop now"));
    } catch (e) {
      out.abort = { message: e.message, stopReason: aborted.usage.stopReason, tokens: aborted.tokens.length };
    }
    const left = llm.generate("Lily wanted to", { temperature: 0, maxTokens: 60 });
    for await (const piece of left) break;
    out.left = { stopReason: left.usage.stopReason, tokens: left.tokens.length };
    const running = llm.generate("Lily", { maxTokens: 2 });
    try { llm.generate("x"); } catch (e) { out.twice = e.message; }
    await running.text();
    out.errors = [];
    const failing = [
      () => llm.generate("x", { topP: 2 }).text(),
      () => llm.detokenize([1, 99999]),
      () => llm.evaluate([]),
      () => ChordWorker.load(new Uint8Array(8)),
      () => ChordWorker.load("no/such/file.gguf"),
      () => ChordWorker.load(file, { signal: AbortSignal.abort() }),
      () => { const c = new AbortController(); return ChordWorker.load(file, { signal: c.signal, onProgress: () => c.abort(new Error("enough")) }); },
    ];
    for (const f of failing) {
      try { await f(); out.errors.push("no error"); } catch (e) { out.errors.push(e.constructor.name + ": " + e.message); }
    }

    // Bytes are moved into the worker, unless asked not to; a Blob is read there.
    const bytes = await readFile(other);
    const kept = new Uint8Array(bytes);
    const fromKept = await ChordWorker.load(kept, { transfer: false });
    const moved = await ChordWorker.load(bytes);
    const fromBlob = await ChordWorker.load(new Blob([kept]));
    out.bytes = { kept: kept.byteLength, moved: bytes.byteLength, tensors: [
      (await fromKept.info()).tensors.length, (await moved.info()).tensors.length, (await fromBlob.info()).tensors.length] };
    out.blobTokens = await fromBlob.tokenize("Lily wanted to");
    await Promise.all([fromKept.dispose(), moved.dispose(), fromBlob.dispose()]);

    await llm.dispose();
    try { await llm.tokenize("x"); } catch (e) { out.disposed = e.message; }
    console.log(JSON.stringify(out));
  `);
  const file = "stories260K/stories260K-Q8_0.gguf";
  const expected = jvmLogits[file]["Once upon a time"];
  const { stdout } = await run(process.execPath, ["worker-app.mjs", model(file), model("stories260K/stories260K-Q4_0.gguf"),
    JSON.stringify(expected.greedy)], { cwd: project });
  const out = JSON.parse(stdout);
  const size = (await readFile(model(file))).length;
  assert.deepEqual(out.progress.at(-1), { loaded: size, total: size });
  assert.equal(out.architecture, "llama");
  assert.deepEqual(out.ids, [1, 403, 407, 261, 378]);
  assert.equal(out.text, " Once upon a time");
  for (const [prompt, run] of Object.entries(out.greedy)) {
    assert.deepEqual(run.tokens, jvmTokens["stories260K-Q8_0.gguf"][prompt].greedy, `greedy after "${prompt}"`);
    assert.equal(run.text, run.expectedText);
    assert.equal(run.usage.stopReason, "maxTokens");
    assert.equal(run.usage.generatedTokens, 64);
  }
  assert.deepEqual(out.sampled, jvmTokens["stories260K-Q8_0.gguf"]["Once upon a time"].sampled);
  assert.deepEqual(out.logits, expected.logits, "the worker's logits are the JVM's, to the bit");
  assert.equal(out.abort.message, "stop now");
  assert.equal(out.abort.stopReason, "cancelled");
  assert.ok(out.abort.tokens >= 3 && out.abort.tokens < 10, `${out.abort.tokens} tokens after the abort`);
  assert.equal(out.left.stopReason, "cancelled");
  assert.ok(out.left.tokens < 10, `${out.left.tokens} tokens after leaving the loop`);
  assert.match(out.twice, /already running/);
  const errors = [
    /^RangeError: wasm-chord: bad topP: 2$/,
    /^Error: token id 99999 at index 1 is outside the vocabulary \[0, 512\)$/,
    /^Error: no tokens to evaluate$/,
    /^Error: memory: .*not a GGUF file/,
    /^Error: wasm-chord: cannot read .*file\.gguf/,
    /^DOMException: .*abort/i,
    /^Error: enough$/,
  ];
  assert.equal(out.errors.length, errors.length);
  errors.forEach((re, i) => assert.match(out.errors[i], re));
  const otherSize = (await readFile(model("stories260K/stories260K-Q4_0.gguf"))).length;
  assert.deepEqual(out.bytes, { kept: otherSize, moved: 0, tensors: [48, 48, 48] }, "moved: the caller's buffer is detached");
  assert.deepEqual(out.blobTokens, jvmLogits[file]["Lily wanted to"].prompt);
  assert.match(out.disposed, /disposed/);
});
