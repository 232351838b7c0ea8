// The engine compiled to Wasm GC reads real llama.cpp GGUF files the way the JVM build does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { engineExports } from "./support.mjs";

const models = process.env.SHARED_MODELS;
const engine = await engineExports();

async function open(relativePath) {
  const bytes = await readFile(join(models, relativePath));
  return { bytes, info: engine.openGguf(relativePath, new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
}

test("tensor counts and types of every stories260K file match llama.cpp's listing", async () => {
  const listing = JSON.parse(await readFile(join(models, "stories260K/ref/tensor_types_stories260K.json"), "utf8"));
  // The listing also names a file that was not brought here (aidreams260K); check those that were.
  const files = Object.keys(listing).filter((f) => f.startsWith("stories260K-"));
  assert.equal(files.length, 15);
  for (const file of files) {
    const { info } = await open("stories260K/" + file);
    const counts = {};
    for (let i = 0; i < info.tensorCount; i++) {
      const type = info.tensor(i).split(" ")[1];
      counts[type] = (counts[type] ?? 0) + 1;
    }
    assert.deepEqual(counts, listing[file].counts, file);
    assert.equal(info.metadata("general.architecture"), "llama", file);
  }
});

test("metadata values of stories260K-F32.gguf", async () => {
  const { info } = await open("stories260K/stories260K-F32.gguf");
  assert.equal(info.version, 3);
  assert.equal(info.metadataCount, 19);
  assert.equal(info.metadata("llama.context_length"), "128"); // the converter's quirk (README)
  assert.equal(info.metadata("llama.embedding_length"), "64");
  assert.equal(info.metadata("llama.attention.head_count_kv"), "4");
  assert.equal(info.metadata("general.file_type"), null); // the F32 file has none (README)
  assert.equal(info.tensor(0), "token_embd.weight F32 64 x 512");
});

test("the GGUF writer reproduces llama.cpp's file byte for byte", async () => {
  const { bytes, info } = await open("stories260K/stories260K-Q8_0.gguf");
  const rewritten = info.rewrite();
  assert.equal(rewritten.length, bytes.length);
  assert.ok(Buffer.from(rewritten.buffer, rewritten.byteOffset, rewritten.byteLength).equals(bytes),
    "rewritten bytes differ from llama.cpp's file");
});

test("bad input is a JavaScript Error carrying the engine's message", () => {
  assert.throws(() => engine.openGguf("junk.gguf", new Int8Array([1, 2, 3, 4, 5, 6, 7, 8])), (e) => {
    assert.ok(e instanceof Error, "not an Error: " + e);
    assert.match(String(e.message), /junk\.gguf/);
    return true;
  });
});
