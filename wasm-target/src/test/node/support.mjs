// Shared by the Node tests: where things are, a local HTTP server, and a GGUF splitter for shard tests.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const models = process.env.SHARED_MODELS;
export const wasmDir = process.env.CHORD_WASM_DIR;
export const npmDir = process.env.CHORD_NPM_DIR;
export const npmPackage = process.env.CHORD_NPM_PACKAGE;

/** The ES module as the package ships it (target/npm/chord.js). */
export async function chordModule() {
  return import(pathToFileURL(join(npmDir, "chord.js")).href);
}

/**
 * The engine's raw exports (target/wasm), instantiated as chord.js does it: the SIMD kernels' module
 * on the engine's linear memory, given to it as the imports "chordKernels".
 */
export async function engineExports() {
  const { load } = await import(pathToFileURL(join(wasmDir, "chord.wasm-runtime.js")).href);
  const kernels = await WebAssembly.compile(await readFile(join(wasmDir, "chord-kernels.wasm")));
  const instance = await load(join(wasmDir, "chord.wasm"), {
    installImports(imports) {
      imports.chordKernels = new WebAssembly.Instance(kernels, { env: { memory: imports.env.memory } }).exports;
    },
  });
  return instance.exports;
}

export function model(relative) {
  return join(models, relative);
}

/**
 * Logits after {@code prompt} and after each of {@code forced} appended in turn (the JVM's greedy ids, so
 * one difference does not hide the rest), with the argmax of each but the last: the greedy ids.
 */
export async function greedyTrace(llm, prompt, forced) {
  const tokens = [...prompt];
  const logits = [];
  const greedy = [];
  for (let step = 0; step <= forced.length; step++) {
    const l = await llm.evaluate(tokens);
    logits.push(l);
    if (step === forced.length) break;
    greedy.push(argmax(l));
    tokens.push(forced[step]);
  }
  return { greedy, logits };
}

/** The first index of the largest value, as the greedy sampler picks. */
export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The float32 bits in {@code base64} (little-endian), as JvmLogitsTest writes them. */
export function float32Bits(base64) {
  const bytes = Buffer.from(base64, "base64");
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** null when the float32 bits of {@code got} are {@code want} (a Uint32Array), else where and how they differ. */
export function firstDifference(got, want) {
  const bits = new Uint32Array(got.buffer, got.byteOffset, got.length);
  if (bits.length !== want.length) return `${bits.length} values, expected ${want.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < bits.length; i++) {
    if (bits[i] !== want[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return null;
  const asFloat = (u) => new Float32Array(new Uint32Array([u]).buffer)[0];
  return `${count} of ${bits.length} logits differ; first at ${first}: ${got[first]} (0x${bits[first].toString(16)})`
    + ` vs JVM ${asFloat(want[first])} (0x${want[first].toString(16)})`;
}

/**
 * Serves {@code files} (name -> Buffer) on 127.0.0.1; {@code chunked} leaves out Content-Length, as a
 * server compressing on the fly does. Returns { url(name), close() }.
 */
export async function serve(files, { chunked = false } = {}) {
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, "http://x").pathname.slice(1));
    const body = files[name];
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    const headers = { "content-type": "application/octet-stream" };
    if (!chunked) headers["content-length"] = String(body.length);
    res.writeHead(200, headers);
    const piece = 200_000;
    let at = 0;
    const next = () => {
      while (at < body.length) {
        const end = Math.min(body.length, at + piece);
        const more = res.write(body.subarray(at, end));
        at = end;
        if (!more) {
          res.once("drain", next);
          return;
        }
      }
      res.end();
    };
    next();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

// --- GGUF splitting, as llama.cpp's gguf-split --split-max-tensors does it -------------------------

const SCALAR_SIZES = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }
  u32() { const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
  u64() { const v = this.view.getBigUint64(this.at, true); this.at += 8; return Number(v); }
  string() { const n = this.u64(); const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n)); this.at += n; return s; }
  skipValue(type) {
    if (type === 8) { const n = this.u64(); this.at += n; return; }
    if (type === 9) {
      const elementType = this.u32();
      const n = this.u64();
      for (let i = 0; i < n; i++) this.skipValue(elementType);
      return;
    }
    this.at += SCALAR_SIZES[type];
  }
}

class Writer {
  constructor() { this.parts = []; this.length = 0; }
  bytes(b) { this.parts.push(Buffer.from(b)); this.length += b.length; }
  u16(v) { const b = Buffer.alloc(2); b.writeUInt16LE(v); this.bytes(b); }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.bytes(b); }
  i32(v) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.bytes(b); }
  u64(v) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.bytes(b); }
  string(s) { const b = Buffer.from(s, "utf8"); this.u64(b.length); this.bytes(b); }
  pad(alignment) { const n = (alignment - (this.length % alignment)) % alignment; if (n) this.bytes(Buffer.alloc(n)); }
  done() { return Buffer.concat(this.parts); }
}

/** Splits a GGUF into {@code count} shards of about equal tensor counts; returns their bytes. */
export function splitGguf(bytes, count) {
  const r = new Reader(bytes);
  if (r.u32() !== 0x46554747) throw new Error("not a GGUF file");
  const version = r.u32();
  const tensorCount = r.u64();
  const kvCount = r.u64();
  const kvs = [];
  let alignment = 32;
  for (let i = 0; i < kvCount; i++) {
    const start = r.at;
    const key = r.string();
    const type = r.u32();
    const valueAt = r.at;
    r.skipValue(type);
    if (key === "general.alignment") alignment = new DataView(bytes.buffer, bytes.byteOffset).getUint32(valueAt, true);
    kvs.push(bytes.subarray(start, r.at));
  }
  const tensors = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = r.string();
    const dims = r.u32();
    const ne = [];
    for (let d = 0; d < dims; d++) ne.push(r.u64());
    const type = r.u32();
    const offset = r.u64();
    tensors.push({ name, ne, type, offset });
  }
  const dataStart = Math.ceil(r.at / alignment) * alignment;
  for (let i = 0; i < tensors.length; i++) {
    const end = i + 1 < tensors.length ? tensors[i + 1].offset : bytes.length - dataStart;
    tensors[i].data = bytes.subarray(dataStart + tensors[i].offset, dataStart + end); // includes padding
  }
  const perShard = Math.ceil(tensors.length / count);
  const shards = [];
  for (let s = 0; s < count; s++) {
    const mine = tensors.slice(s * perShard, (s + 1) * perShard);
    const w = new Writer();
    w.u32(0x46554747);
    w.u32(version);
    w.u64(mine.length);
    w.u64((s === 0 ? kvs.length : 0) + 3);
    if (s === 0) for (const kv of kvs) w.bytes(kv);
    w.string("split.no"); w.u32(2); w.u16(s);
    w.string("split.count"); w.u32(2); w.u16(count);
    w.string("split.tensors.count"); w.u32(5); w.i32(tensors.length);
    let offset = 0;
    for (const t of mine) {
      w.string(t.name);
      w.u32(t.ne.length);
      for (const d of t.ne) w.u64(d);
      w.u32(t.type);
      w.u64(offset);
      offset += t.data.length;
    }
    w.pad(alignment);
    for (const t of mine) w.bytes(t.data);
    shards.push(w.done());
  }
  return shards;
}
