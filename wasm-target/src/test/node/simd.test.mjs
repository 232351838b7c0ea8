// The WebAssembly SIMD kernels (chord-kernels.wasm) give the scalar kernels' bits: kernel by kernel on
// random weights of odd shapes, and as whole models.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chordModule, engineExports, model } from "./support.mjs";

const engine = await engineExports();
const { Chord, simdSupported } = await chordModule();

// Columns: a few blocks, not a multiple of 64 (or of 512 for the 256-blocks); F32/F16 odd, for the tails.
const SHAPES = {
  F32: [227, 3], F16: [229, 5], Q8_0: [224, 2], Q4_0: [288, 7], IQ4_NL: [160, 3], Q4_1: [96, 5],
  Q5_0: [352, 2], Q5_1: [96, 4], Q4_K: [768, 3], Q5_K: [768, 2], Q6_K: [768, 1], Q2_K: [256, 5], Q3_K: [1280, 3],
  IQ4_XS: [1280, 3],
};

test("every SIMD kernel gives the scalar kernel's bits on random weights, rows across chunk ends too", () => {
  assert.ok(simdSupported, "Node 22 has WebAssembly SIMD");
  for (const [type, [cols, blocksOfRows]] of Object.entries(SHAPES)) {
    const rows = 2 * blocksOfRows + 31; // odd
    for (const [n, chunkShift, seed] of [[1, 26, 1], [3, 12, 2], [2, 10, 3]]) {
      const result = JSON.parse(engine.checkSimdKernel(type, rows, cols, n, seed, chunkShift));
      assert.equal(result.simd, true, `${type} has a SIMD kernel`);
      assert.equal(result.values, rows * n);
      assert.ok(Number(result.sample) !== 0 && Number.isFinite(Number(result.sample)), `${type}: ${result.sample}`);
      assert.equal(result.mismatches, 0,
        `${type} ${rows}x${cols}, n=${n}, chunks of ${2 ** chunkShift}: value ${result.first} is ${result.actual},`
        + ` the scalar kernel gives ${result.expected}`);
    }
  }
});

test("the attention of the SIMD kernels gives the reference's bits, grouped queries too", () => {
  for (const [heads, kvHeads, headDim, length, seed] of [[4, 4, 16, 1, 1], [6, 2, 48, 37, 2], [8, 1, 64, 130, 3]]) {
    const result = JSON.parse(engine.checkAttention(heads, kvHeads, headDim, length, seed));
    assert.ok(Number(result.sample) !== 0 && Number.isFinite(Number(result.sample)), result.sample);
    assert.equal(result.mismatches, 0, `${heads}/${kvHeads} heads of ${headDim}, ${length} positions: ${result.mismatches} values differ`);
  }
});

test("the kernels are chosen at load: SIMD by default, scalar on request, reported by info()", async () => {
  const file = model("stories260K/stories260K-Q8_0.gguf");
  const simd = await Chord.load(file);
  assert.equal(simd.info().kernels, "simd");
  const scalar = await Chord.load(file, { kernels: "scalar" });
  assert.equal(scalar.info().kernels, "scalar");
  const options = { temperature: 0, maxTokens: 40, ignoreEos: true };
  const a = simd.generate("Once upon a time", options);
  await a.text();
  const b = scalar.generate("Once upon a time", options);
  await b.text();
  assert.deepEqual(a.tokens, b.tokens);
  simd.dispose();
  scalar.dispose();
  await assert.rejects(Chord.load(file, { kernels: "gpu" }), /kernels must be "simd" or "scalar", got gpu/);
});
