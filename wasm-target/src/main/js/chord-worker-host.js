// The inside of a ChordWorker (worker.js): a module Worker (browser) or a worker_threads Worker (Node)
// that runs one Chord and answers the page's requests. Messages in: { id, type, ...arguments };
// out: { id, type: "result" | "error" | "progress" | "piece" | "done", ... }.
import { Chord } from "./chord.js";

const port = typeof process !== "undefined" && process.versions?.node !== undefined
  ? await nodePort()
  : { post: (message, transfer) => self.postMessage(message, transfer), listen: (f) => self.addEventListener("message", (e) => f(e.data)) };

async function nodePort() {
  const { parentPort } = await import(/* webpackIgnore: true */ "node:worker_threads");
  return { post: (message, transfer) => parentPort.postMessage(message, transfer), listen: (f) => parentPort.on("message", f) };
}

let llm = null;
/** The running generation and the controller that stops it, by request id. */
const running = new Map();

function model() {
  if (llm === null) throw new Error("wasm-chord: this model was disposed");
  return llm;
}

/** Errors cross as { name, message }: the page rebuilds them (an engine error's class stays in here). */
function fail(id, e) {
  const error = e instanceof Error || (typeof e === "object" && e !== null && "message" in e)
    ? { name: String(e.name ?? "Error"), message: String(e.message) }
    : { name: "Error", message: String(e) };
  port.post({ id, type: "error", error });
}

function ended(generation) {
  return { usage: generation.usage, tokens: generation.tokens, promptTokens: generation.promptTokens };
}

async function generate(id, prompt, options) {
  const controller = new AbortController();
  const generation = model().generate(prompt, { ...options, signal: controller.signal });
  running.set(id, controller);
  try {
    for await (const piece of generation) port.post({ id, type: "piece", value: piece });
    port.post({ id, type: "done", ...ended(generation) });
  } catch (e) {
    if (controller.signal.aborted) {
      port.post({ id, type: "done", ...ended(generation) }); // cancelled by the page: usage says so
    } else {
      fail(id, e);
    }
  } finally {
    running.delete(id);
  }
}

const requests = {
  async load({ sources, options }, id) {
    if (llm !== null) throw new Error("wasm-chord: this worker already holds a model");
    llm = await Chord.load(sources, {
      ...options,
      onProgress: options.progress ? (p) => port.post({ id, type: "progress", ...p }) : undefined,
    });
    return null;
  },
  info: () => model().info(),
  tokenize: ({ text, options }) => model().tokenize(text, options),
  detokenize: ({ ids, options }) => model().detokenize(ids, options),
  evaluate: ({ ids, options }) => model().evaluate(ids, options),
  reset: () => model().reset(),
  cancel: ({ target }) => running.get(target)?.abort(),
  dispose() {
    for (const controller of running.values()) controller.abort();
    llm?.dispose();
    llm = null;
  },
};

port.listen(async (message) => {
  const { id, type } = message;
  if (type === "generate") {
    try {
      await generate(id, message.prompt, message.options);
    } catch (e) {
      fail(id, e); // refused before it started: bad options, already running, disposed
    }
    return;
  }
  try {
    const handler = requests[type];
    if (handler === undefined) throw new Error(`wasm-chord worker: unknown request ${type}`);
    const value = await handler(message, id);
    port.post({ id, type: "result", value: value ?? null }, value instanceof Float32Array ? [value.buffer] : []);
  } catch (e) {
    fail(id, e);
  }
});
port.post({ type: "ready" });
