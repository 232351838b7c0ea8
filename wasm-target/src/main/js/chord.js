// wasm-chord: run GGUF language models in the browser and in Node (>= 22) with WebAssembly GC.
// The engine is Java compiled by TeaVM (chord.wasm); this module feeds it model bytes and wraps its API.
import { load as instantiate } from "./chord.wasm-runtime.js";

let enginePromise = null;
let simdKernels = false; // whether the engine got the SIMD kernels (chord-kernels.wasm)

/** Whether this WebAssembly accepts SIMD128: a function returning i8x16.popcnt(i8x16.splat(0)). */
export const simdSupported = WebAssembly.validate(new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));

/** The kernels' imports where there are none: never called, since such models run on the scalar kernels. */
const noKernels = new Proxy({}, {
  get: (_, name) => () => { throw new Error(`wasm-chord: no SIMD kernels here (${String(name)})`); },
});

async function readPackageFile(name) {
  const url = new URL(`./${name}`, import.meta.url);
  return url.protocol === "file:"
    ? (await import(/* webpackIgnore: true */ "node:fs/promises")).readFile(url)
    : fetchBytes(url);
}

/**
 * The WebAssembly engine, instantiated once per page or process. The SIMD kernels are a second module
 * on the engine's linear memory (TeaVM's runtime makes the memory, then lets us add imports).
 */
function engine() {
  if (enginePromise === null) {
    enginePromise = (async () => {
      const [bytes, kernels] = await Promise.all([
        readPackageFile("chord.wasm"),
        simdSupported ? readPackageFile("chord-kernels.wasm").then((b) => WebAssembly.compile(b)) : null,
      ]);
      const { exports } = await instantiate(bytes, {
        installImports(imports) {
          imports.chordKernels = kernels === null ? noKernels
            : new WebAssembly.Instance(kernels, { env: { memory: imports.env.memory } }).exports;
        },
      });
      simdKernels = kernels !== null;
      return exports;
    })();
    enginePromise.catch(() => { enginePromise = null; });
  }
  return enginePromise;
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`wasm-chord: cannot fetch ${url}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

const SHARD = /-(\d{5})-of-(\d{5})\.gguf$/;

/** Turns what the caller gave into a list of files to read, each { name, size?, open() }. */
async function resolveSources(source) {
  if (Array.isArray(source)) {
    if (source.length === 0) {
      throw new TypeError("wasm-chord: an empty list of model files");
    }
    const lists = await Promise.all(source.map((s) => resolveOne(s, false)));
    return lists.flat();
  }
  return resolveOne(source, true);
}

async function resolveOne(source, expandShards) {
  if (source instanceof URL || typeof source === "string") {
    const text = String(source);
    const match = expandShards ? SHARD.exec(text) : null;
    if (match && Number(match[1]) === 1 && Number(match[2]) > 1) {
      // The first shard of a split model names the others: name-0000i-of-0000N.gguf.
      const count = Number(match[2]);
      const files = [];
      for (let i = 1; i <= count; i++) {
        files.push(await locationSource(text.replace(SHARD, `-${pad5(i)}-of-${match[2]}.gguf`)));
      }
      return files;
    }
    return [await locationSource(text)];
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    const name = typeof source.name === "string" ? source.name : "blob";
    return [{ name, size: source.size, open: () => source.stream() }];
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = source instanceof ArrayBuffer
      ? new Uint8Array(source)
      : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return [{ name: "memory", size: bytes.byteLength, open: () => streamOf(bytes) }];
  }
  throw new TypeError("wasm-chord: a model source is a URL, a path (Node), a File or Blob, an ArrayBuffer or"
    + " typed array, or an array of those (the shards of a split GGUF); got " + describe(source));
}

function pad5(i) {
  return String(i).padStart(5, "0");
}

function describe(value) {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}

function streamOf(bytes) {
  const piece = 1 << 24;
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) {
        controller.close();
        return;
      }
      const end = Math.min(bytes.byteLength, at + piece);
      controller.enqueue(bytes.subarray(at, end));
      at = end;
    },
  });
}

const isNode = typeof process !== "undefined" && process.versions?.node !== undefined;

async function locationSource(location) {
  const url = parseUrl(location);
  if (url === null || url.protocol === "file:") {
    if (!isNode) {
      throw new TypeError(`wasm-chord: ${location} is not a URL`);
    }
    const fs = await import(/* webpackIgnore: true */ "node:fs");
    const path = url === null ? location : (await import(/* webpackIgnore: true */ "node:url")).fileURLToPath(url);
    const stat = await fs.promises.stat(path).catch((e) => {
      throw new Error(`wasm-chord: cannot read ${path}: ${e.message}`);
    });
    const { Readable } = await import(/* webpackIgnore: true */ "node:stream");
    return {
      name: path.split(/[\\/]/).pop(),
      size: stat.size,
      open: () => Readable.toWeb(fs.createReadStream(path, { highWaterMark: 1 << 22 })),
    };
  }
  return {
    name: url.pathname.split("/").pop() || url.href,
    size: undefined, // known once the response arrives
    url,
  };
}

function parseUrl(text) {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text) || /^[a-zA-Z]:[\\/]/.test(text)) {
    // no scheme, or a Windows drive letter: a path
    return isNode ? null : new URL(text, globalThis.location?.href);
  }
  return new URL(text);
}

async function openResponse(file, signal) {
  const response = await fetch(file.url, { signal });
  if (!response.ok) {
    throw new Error(`wasm-chord: cannot fetch ${file.url.href}: HTTP ${response.status} ${response.statusText}`);
  }
  const length = response.headers.get("content-length");
  const encoded = response.headers.get("content-encoding");
  file.size = length !== null && (encoded === null || encoded === "identity") ? Number(length) : undefined;
  file.open = () => response.body;
}

/** Reads every piece of {@code stream} and hands it to {@code sink}; on abort or error the stream is cancelled. */
async function pump(stream, signal, sink) {
  const reader = stream.getReader();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) return;
      sink(value);
    }
  } catch (e) {
    await reader.cancel(e).catch(() => {}); // stop a download nobody will read
    throw e;
  } finally {
    reader.releaseLock();
  }
}

/** Copies one piece of a file into its chunks of WebAssembly memory. */
function writePiece(files, index, chunkSize, position, piece) {
  let done = 0;
  while (done < piece.byteLength) {
    const at = position + done;
    const view = files.chunk(index, Math.floor(at / chunkSize));
    const within = at % chunkSize;
    const n = Math.min(piece.byteLength - done, view.length - within);
    view.set(new Int8Array(piece.buffer, piece.byteOffset + done, n), within);
    done += n;
  }
}

/** Lets the event loop run (an abort, a repaint) between tokens, without the 4 ms clamp of setTimeout. */
const yieldToEventLoop = typeof setImmediate === "function"
  ? () => new Promise((resolve) => setImmediate(resolve))
  : (() => {
    const channel = new MessageChannel();
    const waiting = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return () => new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
  })();

function number(options, key, fallback, check) {
  const value = options[key] ?? fallback;
  if (typeof value !== "number" || Number.isNaN(value) || !check(value)) {
    throw new RangeError(`wasm-chord: bad ${key}: ${value}`);
  }
  return value;
}

/**
 * A generation in progress: iterate it (for await) for text pieces; {@code usage} and {@code tokens}
 * are there once it has ended.
 */
export class Generation {
  #run;
  #signal;
  #onAbort = null;
  #done = false;
  #pending = null;
  #release;
  usage = null;
  tokens = null;
  promptTokens = null;

  constructor(run, signal, release) {
    this.#run = run;
    this.#signal = signal;
    this.#release = release;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next() {
    if (this.#done) return { done: true, value: undefined };
    try {
      await yieldToEventLoop();
      this.#signal?.throwIfAborted();
      const piece = this.#run.next();
      if (piece !== null) return { done: false, value: piece };
      this.#finish();
      return { done: true, value: undefined };
    } catch (e) {
      this.#finish(true);
      throw e;
    }
  }

  /** Called when a for-await loop is left early: stops the generation. */
  async return() {
    this.#finish(true);
    return { done: true, value: undefined };
  }

  /** Runs to the end and returns the whole text. */
  async text() {
    let text = "";
    for await (const piece of this) text += piece;
    return text;
  }

  #finish(cancel = false) {
    if (this.#done) return;
    this.#done = true;
    try {
      if (cancel) this.#run.cancel();
      this.usage = JSON.parse(this.#run.usage());
      this.tokens = Array.from(this.#run.generatedTokens());
      this.promptTokens = Array.from(this.#run.promptTokens());
    } finally {
      this.#release();
    }
  }
}

/** A language model loaded into WebAssembly memory. */
export class Chord {
  #model;
  #info = null;
  #busy = false;
  #kernels;

  constructor(model, kernels = "scalar") {
    if (model === undefined || typeof model.info !== "function") {
      throw new TypeError("wasm-chord: use Chord.load(source) to make a Chord");
    }
    this.#model = model;
    this.#kernels = kernels;
  }

  /**
   * Loads a GGUF model from a URL (streamed), a path (Node), a File or Blob, an ArrayBuffer, or a list of
   * the shards of a split GGUF. Options: onProgress({ loaded, total }), signal (AbortSignal),
   * contextLength (positions; 0 or absent: the model's trained context), kernels ("simd": WebAssembly
   * SIMD, the default where the browser has it; "scalar": plain WebAssembly; both give the same bits).
   */
  static async load(source, options = {}) {
    const { onProgress, signal, contextLength = 0 } = options;
    const kernels = options.kernels ?? (simdSupported ? "simd" : "scalar");
    if (kernels !== "simd" && kernels !== "scalar") {
      throw new RangeError(`wasm-chord: kernels must be "simd" or "scalar", got ${String(kernels)}`);
    }
    if (kernels === "simd" && !simdSupported) {
      throw new Error("wasm-chord: this WebAssembly has no SIMD; load with { kernels: \"scalar\" }");
    }
    signal?.throwIfAborted();
    const sources = await resolveSources(source);
    const exports = await engine();
    for (const file of sources) {
      if (file.url !== undefined) await openResponse(file, signal);
    }
    const total = sources.every((f) => f.size !== undefined)
      ? sources.reduce((sum, f) => sum + f.size, 0) : undefined;
    let loaded = 0;
    onProgress?.({ loaded, total });
    const files = exports.newModelFiles();
    try {
      for (const file of sources) {
        const stream = file.open();
        if (file.size === undefined) {
          // No length announced (compressed transfer): gather the pieces first, then copy them in.
          const pieces = [];
          await pump(stream, signal, (piece) => {
            pieces.push(piece);
            loaded += piece.byteLength;
            onProgress?.({ loaded, total });
          });
          file.size = pieces.reduce((sum, p) => sum + p.byteLength, 0);
          const index = files.addFile(file.name, file.size);
          let position = 0;
          for (const piece of pieces) {
            writePiece(files, index, files.chunkSize, position, piece);
            position += piece.byteLength;
          }
          continue;
        }
        const index = files.addFile(file.name, file.size);
        let position = 0;
        await pump(stream, signal, (piece) => {
          if (position + piece.byteLength > file.size) {
            throw new Error(`wasm-chord: ${file.name} is longer than the ${file.size} bytes announced`);
          }
          writePiece(files, index, files.chunkSize, position, piece);
          position += piece.byteLength;
          loaded += piece.byteLength;
          onProgress?.({ loaded, total });
        });
        if (position !== file.size) {
          throw new Error(`wasm-chord: ${file.name} ended after ${position} of ${file.size} bytes`);
        }
      }
      signal?.throwIfAborted();
      const model = files.open(contextLength);
      try {
        if (kernels === "simd" && !simdKernels) throw new Error("wasm-chord: the SIMD kernels did not load");
        model.useKernels(kernels);
      } catch (e) {
        model.dispose();
        throw e;
      }
      return new Chord(model, kernels);
    } catch (e) {
      files.dispose();
      throw e;
    }
  }

  /**
   * The GGUF header and how it runs: { name, fileSize, shards, metadata: { key: value },
   * tensors: [{ name, type, shape, offset, bytes }], kernels: "simd" | "scalar" }.
   */
  info() {
    if (this.#info === null) this.#info = { ...JSON.parse(this.#live().info()), kernels: this.#kernels };
    return this.#info;
  }

  /** Token ids of {@code text}; by default with the BOS token the model asks for and special tokens as plain text. */
  tokenize(text, options = {}) {
    const { addSpecial = true, parseSpecial = false } = options;
    return Array.from(this.#live().tokenize(String(text), addSpecial, parseSpecial));
  }

  /** The text of token ids. */
  detokenize(ids, options = {}) {
    const { removeSpecial = false, renderSpecial = false } = options;
    return this.#live().detokenize(Int32Array.from(ids), removeSpecial, renderSpecial);
  }

  /**
   * Generates text after {@code prompt} (a string, or token ids). Options: maxTokens (default: until the
   * end of text or a full context), temperature (0: greedy; default 0.8), topK (40), topP (0.95),
   * minP (0.05), typicalP (1), repeatPenalty (1: off), frequencyPenalty, presencePenalty (0),
   * penaltyWindow (64), seed, stop (string or strings, not included in the text), ignoreEos, signal.
   * Consecutive calls reuse the cached tokens the prompts share.
   */
  generate(prompt, options = {}) {
    const model = this.#live();
    if (this.#busy) {
      throw new Error("wasm-chord: a generation is already running on this model; finish or leave it first");
    }
    const ids = typeof prompt === "string" ? null : Int32Array.from(prompt);
    const stop = options.stop === undefined ? [] : [].concat(options.stop);
    if (stop.some((s) => typeof s !== "string" || s === "" || s.includes("\0"))) {
      throw new TypeError("wasm-chord: stop must be a non-empty string or an array of them");
    }
    const isInt = Number.isInteger;
    const run = model.generate(
      typeof prompt === "string" ? prompt : "", ids,
      number(options, "maxTokens", -1, isInt),
      number(options, "temperature", 0.8, (v) => v >= 0),
      number(options, "topK", 40, (v) => isInt(v) && v >= 0),
      number(options, "topP", 0.95, (v) => v > 0 && v <= 1),
      number(options, "minP", 0.05, (v) => v >= 0 && v <= 1),
      number(options, "typicalP", 1, (v) => v > 0 && v <= 1),
      number(options, "repeatPenalty", 1, (v) => v > 0),
      number(options, "frequencyPenalty", 0, () => true),
      number(options, "presencePenalty", 0, () => true),
      number(options, "penaltyWindow", 64, (v) => isInt(v) && v >= 0),
      number(options, "seed", 0x5EED, (v) => isInt(v) && v >= 0),
      stop.join("\0"),
      Boolean(options.ignoreEos));
    this.#busy = true;
    return new Generation(run, options.signal, () => { this.#busy = false; });
  }

  /**
   * The logits (raw scores, one per vocabulary entry) of the token that would follow {@code ids}, as a
   * Float32Array: for scoring text or a sampler of your own. The cached tokens that {@code ids} share with
   * the last generation or evaluation are reused unless {@code reuseCache} is false; afterwards the cache
   * holds {@code ids}, so evaluating or generating after ids plus a token computes one token.
   */
  evaluate(ids, options = {}) {
    const model = this.#live();
    if (this.#busy) {
      throw new Error("wasm-chord: a generation is running on this model; finish or leave it first");
    }
    const { reuseCache = true } = options;
    if (!reuseCache) model.reset();
    return model.evaluate(Int32Array.from(ids));
  }

  /** Forgets the cached conversation: the next prompt is computed from scratch. */
  reset() {
    this.#live().reset();
  }

  /** Frees the model's memory; the object cannot be used afterwards. */
  dispose() {
    if (this.#model !== null) {
      this.#model.dispose();
      this.#model = null;
    }
  }

  #live() {
    if (this.#model === null) {
      throw new Error("wasm-chord: this model was disposed");
    }
    return this.#model;
  }
}

export default Chord;
