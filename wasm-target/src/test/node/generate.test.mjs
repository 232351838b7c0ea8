// Generation in WebAssembly (Node 22) gives the JVM scalar path's tokens, greedy and sampled, on every
// shared model; on stories260K F32/F16 that is also llama.cpp's free-running greedy output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { chordModule, model, splitGguf } from "./support.mjs";

const { Chord } = await chordModule();
const jvm = JSON.parse(await readFile(join(process.env.CHORD_TARGET_DIR, "jvm-tokens.json"), "utf8"));
const SAMPLED = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed: 42 };

function path(file) {
  return model(file.startsWith("stories260K") ? "stories260K/" + file : "synthK-A/gguf/" + file);
}

async function tokens(llm, prompt, options) {
  const generation = llm.generate(prompt, { ignoreEos: true, ...options });
  let text = "";
  for await (const piece of generation) text += piece;
  assert.equal(generation.usage.stopReason, "maxTokens");
  // The streamed pieces are the tokens' text; with BOS in front, llama.cpp keeps the first space.
  assert.equal(text, llm.detokenize([1, ...generation.tokens], { removeSpecial: true }));
  return generation.tokens;
}

for (const kernels of ["scalar", "simd"]) {
  test(`the same tokens as the JVM on all 44 shared models, greedy and sampled, ${kernels} kernels`, async () => {
    await sameTokensAsJvm(kernels);
  });
}

async function sameTokensAsJvm(kernels) {
  const files = Object.keys(jvm);
  assert.equal(files.length, 44);
  for (const file of files) {
    const llm = await Chord.load(path(file), { contextLength: 256, kernels });
    assert.equal(llm.info().kernels, kernels);
    for (const [prompt, expected] of Object.entries(jvm[file])) {
      llm.reset();
      assert.deepEqual(await tokens(llm, prompt, { temperature: 0, maxTokens: expected.greedy.length }),
        expected.greedy, `${file} greedy after "${prompt}"`);
      if (expected.sampled === undefined) continue;
      llm.reset();
      assert.deepEqual(await tokens(llm, prompt, { ...SAMPLED, maxTokens: expected.sampled.length }),
        expected.sampled, `${file} sampled after "${prompt}"`);
    }
    llm.dispose();
  }
}

test("llama.cpp's greedy story from stories260K-F32, streamed, with usage", async () => {
  const reference = JSON.parse(await readFile(model("stories260K/ref/gen/stories260K-F32.json"), "utf8")).results[0];
  const llm = await Chord.load(model("stories260K/stories260K-F32.gguf"));
  const generation = llm.generate(reference.prompt, { temperature: 0, maxTokens: 64 });
  const pieces = [];
  for await (const piece of generation) pieces.push(piece);
  assert.ok(pieces.length > 30);
  assert.equal(pieces.join(""), reference.content);
  assert.deepEqual(generation.tokens, reference.generated_tokens);
  assert.deepEqual(generation.promptTokens, reference.prompt_tokens.map((t) => t.id));
  const u = generation.usage;
  assert.equal(u.promptTokens, 5);
  assert.equal(u.generatedTokens, 64);
  assert.equal(u.stopReason, "maxTokens");
  assert.ok(u.decodeTokensPerSecond > 0 && u.prefillMs >= 0);
  llm.dispose();
});

test("a split model generates what the whole file does", async () => {
  const bytes = await readFile(model("stories260K/stories260K-Q8_0.gguf"));
  const split = await Chord.load(splitGguf(bytes, 4).map((s) => new Blob([s])));
  const expected = jvm["stories260K-Q8_0.gguf"]["Lily wanted to"].greedy;
  assert.deepEqual(await tokens(split, "Lily wanted to", { temperature: 0, maxTokens: expected.length }), expected);
  split.dispose();
});

test("stop strings, end of text, token-id prompts, reuse of the cached prompt", async () => {
  const llm = await Chord.load(model("stories260K/stories260K-F32.gguf"));
  const story = await llm.generate("Once upon a time", { temperature: 0, maxTokens: 64 }).text();
  const g = llm.generate("Once upon a time", { temperature: 0, maxTokens: 64, stop: ["Lily"] });
  assert.equal(await g.text(), story.slice(0, story.indexOf("Lily")));
  assert.equal(g.usage.stopReason, "stopString");
  assert.ok(g.usage.reusedPromptTokens > 0, "the second run reuses the cached prompt");

  const ids = llm.tokenize("Once upon a time");
  assert.equal(await llm.generate(ids, { temperature: 0, maxTokens: 64 }).text(), story);

  const free = llm.generate("Once upon a time", { temperature: 0, maxTokens: 400 });
  await free.text();
  assert.ok(["endOfText", "contextFull"].includes(free.usage.stopReason), free.usage.stopReason);
  llm.dispose();
});

test("leaving the loop, aborting, and misuse", async () => {
  const llm = await Chord.load(model("stories260K/stories260K-F32.gguf"));
  const g = llm.generate("Once upon a time", { temperature: 0, maxTokens: 50 });
  for await (const piece of g) { if (piece) break; }
  assert.equal(g.usage.stopReason, "cancelled");

  const controller = new AbortController();
  const aborted = llm.generate("The little dog", { temperature: 0, maxTokens: 50, signal: controller.signal });
  let n = 0;
  await assert.rejects((async () => {
    for await (const piece of aborted) { if (++n === 3) controller.abort(new Error("stop now")); }
  })(), /stop now/);
  assert.equal(aborted.usage.stopReason, "cancelled");
  assert.ok(aborted.tokens.length >= 3 && aborted.tokens.length < 10, `${aborted.tokens.length} tokens`);

  const running = llm.generate("Lily wanted to", { maxTokens: 5 });
  assert.throws(() => llm.generate("x"), /already running/);
  await running.text();
  assert.throws(() => llm.generate("x", { temperature: -1 }), /bad temperature/);
  assert.throws(() => llm.generate("x", { topP: 2 }), /bad topP/);
  assert.throws(() => llm.generate([1, 9999]), /token id 9999 at index 1 is outside the vocabulary/);
  llm.dispose();
  assert.throws(() => llm.generate("x"), /disposed/);
});
