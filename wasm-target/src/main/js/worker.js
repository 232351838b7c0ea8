// wasm-chord/worker: the Chord API with the engine in a Web Worker (browser) or a worker_threads Worker
// (Node), so the thread that calls it never blocks on a token. Each ChordWorker owns one worker and one
// model; every method answers with a promise, and generate streams pieces as chord.js's does.

const isNode = typeof process !== "undefined" && process.versions?.node !== undefined;
const HOST = new URL("./chord-worker-host.js", import.meta.url);

/** Starts the worker; resolves once it listens. */
async function startWorker() {
  let port;
  if (isNode) {
    const { Worker } = await import(/* webpackIgnore: true */ "node:worker_threads");
    const w = new Worker(HOST);
    port = {
      post: (message, transfer) => w.postMessage(message, transfer),
      listen: (f) => w.on("message", f),
      // An idle worker does not keep Node running; one with a request in flight does.
      busy: (yes) => (yes ? w.ref() : w.unref()),
      onFailure: (f) => {
        w.on("error", (e) => f(e instanceof Error ? e : new Error(String(e))));
        w.on("exit", (code) => f(new Error(`wasm-chord: the worker exited (code ${code})`)));
      },
      terminate: () => w.terminate(),
    };
  } else {
    let w;
    try {
      w = new Worker(HOST, { type: "module", name: "wasm-chord" });
    } catch (e) {
      // A page may not start a worker from another origin (a CDN): start one of its own that imports it.
      const bootstrap = new Blob([`import ${JSON.stringify(HOST.href)};`], { type: "text/javascript" });
      w = new Worker(URL.createObjectURL(bootstrap), { type: "module", name: "wasm-chord" });
    }
    port = {
      post: (message, transfer) => w.postMessage(message, transfer),
      listen: (f) => w.addEventListener("message", (e) => f(e.data)),
      busy: () => {},
      onFailure: (f) => w.addEventListener("error", (e) => {
        e.preventDefault();
        f(new Error(`wasm-chord: the worker failed: ${e.message || "it could not start (see the console)"}`));
      }),
      terminate: () => w.terminate(),
    };
  }
  const channel = new Channel(port);
  await channel.ready;
  return channel;
}

/** Requests to the worker and their answers, matched by id. */
class Channel {
  #port;
  #nextId = 1;
  #calls = new Map();
  #streams = new Map();
  #failure = null;
  #failOnStart;
  ready;

  constructor(port) {
    this.#port = port;
    let ready;
    this.ready = new Promise((resolve, reject) => { ready = { resolve, reject }; });
    port.listen((message) => {
      if (message.type === "ready") {
        ready.resolve();
        return;
      }
      const stream = this.#streams.get(message.id);
      if (stream !== undefined) {
        if (message.type !== "piece") {
          this.#streams.delete(message.id);
          this.#updateBusy();
        }
        stream(message);
        return;
      }
      const call = this.#calls.get(message.id);
      if (call === undefined) return;
      if (message.type === "progress") {
        call.onProgress?.({ loaded: message.loaded, total: message.total });
        return;
      }
      this.#calls.delete(message.id);
      this.#updateBusy();
      if (message.type === "error") call.reject(rebuild(message.error));
      else call.resolve(message.value);
    });
    port.onFailure((error) => this.#fail(error));
    this.#failOnStart = (error) => ready.reject(error);
  }

  /** Keeps Node alive while something is awaited from the worker, and only then. */
  #updateBusy() {
    this.#port.busy(this.#calls.size + this.#streams.size > 0);
  }

  #fail(error) {
    if (this.#failure !== null) return;
    this.#failure = error;
    this.#failOnStart(error);
    for (const call of this.#calls.values()) call.reject(error);
    for (const stream of this.#streams.values()) stream({ type: "error", error });
    this.#calls.clear();
    this.#streams.clear();
  }

  /** Sends a request; resolves with its result. */
  call(type, args = {}, { transfer = [], onProgress } = {}) {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#calls.set(id, { resolve, reject, onProgress });
      this.#updateBusy();
      this.#port.post({ id, type, ...args }, transfer);
    });
  }

  /** Sends a request answered by a stream of messages; {@code sink} gets each. Returns its id. */
  stream(type, args, sink) {
    const id = this.#nextId++;
    if (this.#failure !== null) {
      queueMicrotask(() => sink({ type: "error", error: this.#failure }));
      return id;
    }
    this.#streams.set(id, sink);
    this.#updateBusy();
    this.#port.post({ id, type, ...args }, []);
    return id;
  }

  post(message) {
    if (this.#failure === null) this.#port.post(message, []);
  }

  /** Stops the worker; pending requests reject with {@code reason}. */
  terminate(reason) {
    this.#fail(reason);
    return this.#port.terminate();
  }
}

const ERRORS = { TypeError, RangeError, SyntaxError, ReferenceError };

/** The worker's { name, message } (or an Error) as an Error of the same kind with the engine's message. */
function rebuild(error) {
  if (error instanceof Error) return error;
  const Kind = ERRORS[error.name] ?? Error;
  const e = new Kind(error.message);
  if (Kind === Error && error.name !== "Error") e.name = error.name;
  return e;
}

/**
 * What crosses into the worker for one source: URLs as absolute strings (the worker's base URL is not
 * the page's), Blobs as they are (cloned by reference), bytes transferred where they fill their buffer.
 */
function portable(source, transfer, move) {
  if (Array.isArray(source)) return source.map((s) => portable(s, transfer, move));
  if (source instanceof URL) return source.href;
  if (typeof source === "string") {
    return isNode ? source : new URL(source, globalThis.document?.baseURI ?? globalThis.location?.href).href;
  }
  if (source instanceof ArrayBuffer) {
    if (move) transfer.push(source);
    return source;
  }
  if (ArrayBuffer.isView(source)) {
    const { buffer, byteOffset, byteLength } = source;
    if (typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer) return source; // shared, not copied
    if (move && byteOffset === 0 && byteLength === buffer.byteLength) {
      transfer.push(buffer);
      return new Uint8Array(buffer);
    }
    return new Uint8Array(buffer.slice(byteOffset, byteOffset + byteLength)); // only the bytes the view shows
  }
  return source; // a Blob or File, or something chord.js will refuse with its own message
}

/** A generation running in the worker: iterate it (for await) for text pieces, as chord.js's Generation. */
export class WorkerGeneration {
  #channel;
  #id;
  #signal;
  #release;
  #pieces = [];
  #waiting = null;
  #ended = null; // once the worker has finished: { error } or {}
  #stopping = false;
  #abortReported = false;
  usage = null;
  tokens = null;
  promptTokens = null;

  constructor(channel, prompt, options, release) {
    const { signal, ...rest } = options;
    this.#channel = channel;
    this.#signal = signal;
    this.#release = release;
    this.#id = channel.stream("generate", { prompt, options: rest }, (message) => this.#receive(message));
    signal?.addEventListener("abort", () => this.#stop(), { once: true });
  }

  #receive(message) {
    if (message.type === "piece") {
      if (!this.#stopping) this.#pieces.push(message.value);
    } else {
      if (message.type === "done") {
        this.usage = message.usage;
        this.tokens = message.tokens;
        this.promptTokens = message.promptTokens;
        this.#ended = {};
      } else {
        this.#ended = { error: rebuild(message.error) };
      }
      this.#release();
    }
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
  }

  /** Asks the worker to stop before its next token; pieces not yet read are dropped. */
  #stop() {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#pieces.length = 0;
    if (this.#ended === null) this.#channel.post({ type: "cancel", target: this.#id });
  }

  #arrival() {
    return new Promise((resolve) => { this.#waiting = resolve; });
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next() {
    for (;;) {
      if (this.#signal?.aborted && !this.#abortReported) {
        this.#stop();
        while (this.#ended === null) await this.#arrival();
        this.#abortReported = true;
        throw this.#signal.reason;
      }
      if (this.#pieces.length > 0) return { done: false, value: this.#pieces.shift() };
      if (this.#ended !== null) {
        const { error } = this.#ended;
        if (error !== undefined) {
          this.#ended = {}; // reported once, as chord.js does
          throw error;
        }
        return { done: true, value: undefined };
      }
      await this.#arrival();
    }
  }

  /** Called when a for-await loop is left early: stops the worker's loop, then returns. */
  async return() {
    this.#stop();
    while (this.#ended === null) await this.#arrival();
    return { done: true, value: undefined };
  }

  /** Runs to the end and returns the whole text. */
  async text() {
    let text = "";
    for await (const piece of this) text += piece;
    return text;
  }
}

/** A model loaded in a worker of its own; the methods of Chord, answering with promises. */
export class ChordWorker {
  #channel;
  #info = null;
  #busy = false;

  constructor(channel) {
    if (!(channel instanceof Channel)) {
      throw new TypeError("wasm-chord: use ChordWorker.load(source) to make a ChordWorker");
    }
    this.#channel = channel;
  }

  /**
   * Starts a worker and loads the model there. Sources and options as Chord.load's; bytes in memory are
   * transferred to the worker (the caller's ArrayBuffer is detached) unless {@code transfer} is false.
   * Aborting the signal ends the worker.
   */
  static async load(source, options = {}) {
    const { onProgress, signal, transfer: move = true, ...rest } = options;
    signal?.throwIfAborted();
    const transfer = [];
    const sources = portable(source, transfer, move);
    const channel = await startWorker();
    const abort = () => channel.terminate(signal.reason);
    signal?.addEventListener("abort", abort, { once: true });
    try {
      signal?.throwIfAborted();
      await channel.call("load", { sources, options: { ...rest, progress: onProgress !== undefined } },
        { transfer, onProgress });
      return new ChordWorker(channel);
    } catch (e) {
      channel.terminate(e);
      throw signal?.aborted ? signal.reason : e;
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  /** The GGUF header: metadata and tensor table. */
  async info() {
    if (this.#info === null) this.#info = await this.#channel.call("info");
    return this.#info;
  }

  tokenize(text, options = {}) {
    return this.#channel.call("tokenize", { text: String(text), options });
  }

  detokenize(ids, options = {}) {
    return this.#channel.call("detokenize", { ids: Array.from(ids), options });
  }

  /** The next-token logits after {@code ids}, as Chord#evaluate; the array is moved, not copied, out of the worker. */
  evaluate(ids, options = {}) {
    return this.#channel.call("evaluate", { ids: Array.from(ids), options });
  }

  /**
   * Generates in the worker; options as Chord#generate's. Errors in the options reject the first next().
   * Aborting the signal, or leaving a for-await loop, stops the worker's loop before its next token.
   */
  generate(prompt, options = {}) {
    if (this.#busy) {
      throw new Error("wasm-chord: a generation is already running on this model; finish or leave it first");
    }
    this.#busy = true;
    return new WorkerGeneration(this.#channel, typeof prompt === "string" ? prompt : Array.from(prompt), options,
      () => { this.#busy = false; });
  }

  /** Forgets the cached conversation. */
  async reset() {
    await this.#channel.call("reset");
  }

  /** Frees the model and ends the worker; the object cannot be used afterwards. */
  async dispose() {
    const disposed = new Error("wasm-chord: this model was disposed");
    await this.#channel.call("dispose").catch(() => {});
    await this.#channel.terminate(disposed);
  }
}

export default ChordWorker;
