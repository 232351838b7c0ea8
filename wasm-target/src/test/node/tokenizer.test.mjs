// The tokenizers compiled to Wasm GC give llama.cpp's ids, as the JVM build does (VocabConformanceTest).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir, access } from "node:fs/promises";
import { join } from "node:path";
import { engineExports } from "./support.mjs";

const models = process.env.SHARED_MODELS;
const engine = await engineExports();

async function tokenizer(relativePath) {
  const bytes = await readFile(join(models, relativePath));
  return engine.openTokenizer(relativePath, new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

const exists = (p) => access(p).then(() => true, () => false);

test("every string of llama.cpp's vocab tests encodes to llama.cpp's ids", async () => {
  const dir = join(models, "vocab");
  const inputs = (await readdir(dir)).filter((f) => f.endsWith(".gguf.inp")).sort();
  let vocabs = 0;
  for (const inp of inputs) {
    const gguf = inp.slice(0, -".inp".length);
    if (!(await exists(join(dir, gguf)))) continue; // test files whose GGUF was not brought here
    const tok = await tokenizer("vocab/" + gguf);
    const raw = await readFile(join(dir, inp), "utf8");
    const strings = raw.split("\n__ggml_vocab_test__\n");
    if (strings[strings.length - 1] === "") strings.pop();
    const lines = (await readFile(join(dir, gguf + ".out"), "utf8")).split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    assert.equal(strings.length, lines.length, gguf);
    strings.forEach((s, i) => {
      const expected = lines[i].trim() === "" ? [] : lines[i].trim().split(/\s+/).map(Number);
      assert.deepEqual(Array.from(tok.encode(s, false, false)), expected, `${gguf} #${i} ${JSON.stringify(s)}`);
    });
    vocabs++;
  }
  assert.ok(vocabs >= 10, "vocabularies checked: " + vocabs);
});

test("tok512 prompt ids and streamed generation text match llama-server", async () => {
  const tok = await tokenizer("stories260K/stories260K-F32.gguf");
  const ref = JSON.parse(await readFile(join(models, "stories260K/ref/gen/stories260K-F32.json"), "utf8"));
  for (const r of ref.results) {
    assert.deepEqual(Array.from(tok.encode(r.prompt, true, false)), r.prompt_tokens.map((t) => t.id), r.prompt);
    const stream = tok.streamingDecoder(false);
    const text = r.generated_tokens.map((id) => stream.accept(id)).join("") + stream.finish();
    assert.equal(text, r.content, r.prompt);
  }
  const ids = tok.encode("é🦙 ok", false, false);
  const stream = tok.streamingDecoder(false);
  assert.deepEqual(Array.from(ids).map((id) => stream.accept(id)), [" ", "é", "", "", "", "🦙", " o", "k"]);
  assert.equal(tok.decode(ids, false, false), "é🦙 ok");
});

test("an unsupported vocabulary is a JavaScript Error naming it", async () => {
  const bytes = await readFile(join(models, "stories260K/stories260K-F32.gguf"));
  // same file with tokenizer.ggml.model = "llama" patched to "llamb"
  const patched = Buffer.from(bytes);
  const at = patched.indexOf(Buffer.from("tokenizer.ggml.model"));
  const value = patched.indexOf(Buffer.from("llama"), at + 20);
  patched[value + 4] = "b".charCodeAt(0);
  assert.throws(() => engine.openTokenizer("patched.gguf", new Int8Array(patched.buffer, patched.byteOffset, patched.byteLength)),
    (e) => e instanceof Error && /llamb/.test(String(e.message)));
});
