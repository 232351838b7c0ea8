// The Wasm engine's logits are the JVM scalar path's, bit for bit (target/jvm-logits.json, written by
// JvmLogitsTest): same scalar code, so the same float32 values, NaN payloads and signed zeros included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { chordModule, firstDifference, float32Bits, greedyTrace, model } from "./support.mjs";

const { Chord } = await chordModule();
const jvm = JSON.parse(await readFile(join(process.env.CHORD_TARGET_DIR, "jvm-logits.json"), "utf8"));

// Both kernel choices: the scalar kernels are the code the JVM ran; the SIMD kernels keep its integer
// sums and its float order, so they give the same bits too.
for (const kernels of ["scalar", "simd"]) {
  test(`logits bit-identical to the JVM scalar path, ${kernels} kernels: 7 files x 3 prompts, prompt end and 16 greedy steps`, async () => {
    const files = Object.keys(jvm);
    assert.equal(files.length, 7);
    for (const file of files) {
      const llm = await Chord.load(model(file), { contextLength: 256, kernels });
      assert.equal(llm.info().kernels, kernels);
      for (const [prompt, expected] of Object.entries(jvm[file])) {
        assert.deepEqual(llm.tokenize(prompt), expected.prompt, `${file}: ids of "${prompt}"`);
        const got = await greedyTrace(llm, expected.prompt, expected.greedy);
        assert.deepEqual(got.greedy, expected.greedy, `${file} greedy after "${prompt}"`);
        for (let step = 0; step < expected.logits.length; step++) {
          const want = float32Bits(expected.logits[step]);
          const diff = firstDifference(got.logits[step], want);
          assert.equal(diff, null, `${file} after "${prompt}", step ${step}, ${kernels}: ${diff}`);
        }
      }
      llm.dispose();
    }
  });
}

test("evaluate reuses the cache, or not, with the same bits; misuse is an error", async () => {
  const llm = await Chord.load(model("stories260K/stories260K-Q8_0.gguf"), { kernels: "scalar" });
  const ids = llm.tokenize("Once upon a time");
  const fresh = llm.evaluate(ids, { reuseCache: false });
  assert.ok(fresh instanceof Float32Array);
  assert.equal(fresh.length, 512);
  const longer = llm.evaluate([...ids, 0]); // one more token from the cache
  const longerFresh = llm.evaluate([...ids, 0], { reuseCache: false });
  assert.equal(firstDifference(longer, new Uint32Array(longerFresh.buffer)), null);
  assert.equal(firstDifference(llm.evaluate(ids), new Uint32Array(fresh.buffer)), null);

  // generate after evaluate continues from the cache: same tokens as from scratch, with reuse.
  const g = llm.generate([...ids, 0], { temperature: 0, maxTokens: 4 });
  await g.text();
  assert.equal(g.usage.reusedPromptTokens, ids.length);
  llm.reset();
  const g2 = llm.generate([...ids, 0], { temperature: 0, maxTokens: 4 });
  await g2.text();
  assert.deepEqual(g.tokens, g2.tokens);

  assert.throws(() => llm.evaluate([]), /no tokens to evaluate/);
  assert.throws(() => llm.evaluate([1, 512]), /token id 512 at index 1 is outside the vocabulary/);
  assert.throws(() => llm.evaluate(new Array(300).fill(1)), /300 tokens do not fit in a context of 128/);
  const running = llm.generate("x", { maxTokens: 3 });
  assert.throws(() => llm.evaluate(ids), /a generation is running/);
  await running.text();
  llm.dispose();
  assert.throws(() => llm.evaluate(ids), /disposed/);
});
