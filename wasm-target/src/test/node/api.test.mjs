// The public JavaScript API (target/npm/chord.js) against the shared models and llama.cpp's references.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chordModule, model, serve, splitGguf } from "./support.mjs";

const { Chord } = await chordModule();
const F32 = "stories260K/stories260K-F32.gguf";
const f32Bytes = await readFile(model(F32));
const listing = JSON.parse(await readFile(model("stories260K/ref/tensor_types_stories260K.json"), "utf8"));

function typeCounts(info) {
  const counts = {};
  for (const t of info.tensors) counts[t.type] = (counts[t.type] ?? 0) + 1;
  return counts;
}

test("loads from a path, reports metadata and the tensor table", async () => {
  const llm = await Chord.load(model(F32));
  const info = llm.info();
  assert.equal(info.metadata["general.architecture"], "llama");
  assert.equal(info.metadata["llama.context_length"], 128);
  assert.equal(info.metadata["llama.attention.layer_norm_rms_epsilon"], 9.999999747378752e-6); // float32 1e-5
  assert.deepEqual(info.metadata["tokenizer.ggml.token_type"], { type: "array", elementType: "int32", length: 512 });
  assert.equal(info.fileSize, f32Bytes.length);
  assert.equal(info.shards, 1);
  assert.deepEqual(typeCounts(info), listing["stories260K-F32.gguf"].counts);
  assert.deepEqual(info.tensors[0], { name: "token_embd.weight", type: "F32", shape: [64, 512], offset: 14176, bytes: 131072 });
  llm.dispose();
});

test("every stories260K file loads with llama.cpp's tensor types", async () => {
  for (const file of Object.keys(listing).filter((f) => f.startsWith("stories260K-"))) {
    const llm = await Chord.load(model("stories260K/" + file));
    assert.deepEqual(typeCounts(llm.info()), listing[file].counts, file);
    llm.dispose();
  }
});

test("tokenizes like llama.cpp (tok512 test strings and the perplexity text)", async () => {
  const llm = await Chord.load(model(F32));
  const inputs = (await readFile(model("stories260K/ref/tokenizer/stories260K-tok512.llama-spm-inp.inp"), "utf8"))
    .split("\n__ggml_vocab_test__\n");
  inputs[inputs.length - 1] = inputs[inputs.length - 1].replace(/\n__ggml_vocab_test__\n?$/, "");
  const outputs = (await readFile(model("stories260K/ref/tokenizer/stories260K-tok512.llama-spm-inp.out"), "utf8"))
    .split("\n");
  assert.ok(inputs.length >= 40, `${inputs.length} test strings`);
  for (let i = 0; i < inputs.length; i++) {
    const expected = outputs[i].trim() === "" ? [] : outputs[i].trim().split(/\s+/).map(Number);
    assert.deepEqual(llm.tokenize(inputs[i], { addSpecial: false }), expected, JSON.stringify(inputs[i]));
  }
  const text = await readFile(model("ppl_text.txt"), "utf8");
  const ids = JSON.parse(await readFile(model("stories260K/ref/tokenizer/stories260K-tok512.ppl_text.with-bos.ids"), "utf8"));
  assert.deepEqual(llm.tokenize(text), ids);
  // llama.cpp keeps the SPM space prefix when it removes BOS, and strips it when there is no BOS.
  assert.equal(llm.detokenize(ids, { removeSpecial: true }), " " + text);
  assert.equal(llm.detokenize(ids.slice(1)), text);
  llm.dispose();
});

test("loads from an http URL, with progress, with and without Content-Length", async () => {
  for (const chunked of [false, true]) {
    const server = await serve({ "m.gguf": f32Bytes }, { chunked });
    try {
      const seen = [];
      const llm = await Chord.load(server.url("m.gguf"), { onProgress: (p) => seen.push(p) });
      assert.equal(llm.info().metadata["general.architecture"], "llama");
      assert.ok(seen.length > 2, `${seen.length} progress calls`);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i].loaded >= seen[i - 1].loaded);
      assert.equal(seen.at(-1).loaded, f32Bytes.length);
      assert.equal(seen.at(-1).total, chunked ? undefined : f32Bytes.length);
      llm.dispose();
    } finally {
      await server.close();
    }
  }
});

test("loads from a file URL, a Blob, an ArrayBuffer and a typed array", async () => {
  const sources = [
    pathToFileURL(model(F32)),
    new Blob([f32Bytes]),
    f32Bytes.buffer.slice(f32Bytes.byteOffset, f32Bytes.byteOffset + f32Bytes.byteLength),
    new Uint8Array(f32Bytes),
  ];
  for (const source of sources) {
    const llm = await Chord.load(source);
    assert.equal(llm.info().tensors.length, 48, String(source));
    assert.deepEqual(llm.tokenize("Once upon a time"), [1, 403, 407, 261, 378]);
    llm.dispose();
  }
});

test("loads a split GGUF from its shards, listed or named by the first shard's URL", async () => {
  const bytes = await readFile(model("stories260K/stories260K-Q8_0.gguf"));
  const shards = splitGguf(bytes, 3);
  const whole = await Chord.load(bytes);
  const names = shards.map((_, i) => `stories-0000${i + 1}-of-00003.gguf`);
  const server = await serve(Object.fromEntries(names.map((n, i) => [n, shards[i]])));
  const dir = await mkdtemp(join(tmpdir(), "chord-shards-"));
  try {
    const paths = [];
    for (let i = 0; i < shards.length; i++) {
      paths.push(join(dir, names[i]));
      await writeFile(paths[i], shards[i]);
    }
    for (const source of [paths, shards.map((s) => new Blob([s])), server.url(names[0]), paths[0]]) {
      let last = null;
      const split = await Chord.load(source, { onProgress: (p) => { last = p; } });
      const info = split.info();
      assert.equal(info.shards, 3);
      assert.equal(last.loaded, shards.reduce((n, s) => n + s.length, 0));
      assert.equal(info.metadata["split.count"], undefined);
      assert.deepEqual(info.tensors.map((t) => [t.name, t.type, t.shape]),
        whole.info().tensors.map((t) => [t.name, t.type, t.shape]));
      assert.deepEqual(split.tokenize("Lily wanted to"), whole.tokenize("Lily wanted to"));
      split.dispose();
    }
    await assert.rejects(Chord.load([paths[1], paths[0], paths[2]]), /shard 2 of 3, given as shard 1/);
    await assert.rejects(Chord.load(paths.slice(0, 2)), /split in 3 files, but 2 were given/);
  } finally {
    whole.dispose();
    await server.close();
    await rm(dir, { recursive: true });
  }
});

test("a load can be aborted", async () => {
  const server = await serve({ "m.gguf": f32Bytes });
  try {
    const controller = new AbortController();
    const loading = Chord.load(server.url("m.gguf"), {
      signal: controller.signal,
      onProgress: ({ loaded }) => { if (loaded > 0) controller.abort(new Error("enough")); },
    });
    await assert.rejects(loading, /enough/);
    const aborted = AbortSignal.abort();
    await assert.rejects(Chord.load(model(F32), { signal: aborted }), { name: "AbortError" });
  } finally {
    await server.close();
  }
});

test("errors are Errors with the engine's message", async () => {
  await assert.rejects(Chord.load(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /not a GGUF file/);
    return true;
  });
  const truncated = f32Bytes.subarray(0, 5000);
  await assert.rejects(Chord.load(truncated), /memory: .*(end|past|beyond|truncat)/i);
  await assert.rejects(Chord.load(model("no/such/file.gguf")), /cannot read .*file\.gguf/);
  const server = await serve({});
  try {
    await assert.rejects(Chord.load(server.url("missing.gguf")), /HTTP 404/);
  } finally {
    await server.close();
  }
  await assert.rejects(Chord.load(42), TypeError);
  const llm = await Chord.load(f32Bytes);
  assert.throws(() => llm.detokenize([1, 100000]), /token id 100000 at index 1 is outside the vocabulary \[0, 512\)/);
  llm.dispose();
  assert.throws(() => llm.tokenize("x"), /disposed/);
});

test("a model larger than WebAssembly memory fails before any byte is read", async () => {
  // Reserving is what fails for a too-large model, before any byte is read: check the message.
  class HugeBlob extends Blob {
    get size() { return 3 * 2 ** 30; }
    stream() { return new ReadableStream(); }
  }
  await assert.rejects(Chord.load(new HugeBlob([])), /at most 2 GiB/);
});
