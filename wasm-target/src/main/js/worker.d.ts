// Types of wasm-chord/worker: the Chord API with the engine in a Web Worker (browser) or worker_threads (Node).
import type {
  DetokenizeOptions, EvaluateOptions, GenerateOptions, LoadOptions, ModelInfo, ModelSource, TextGeneration, TokenizeOptions,
} from "./chord.js";

export interface WorkerLoadOptions extends LoadOptions {
  /**
   * Move model bytes given in memory (an ArrayBuffer, or a typed array filling its buffer) to the worker
   * instead of copying them; the caller's buffer is then detached (default true). Blobs, Files and URLs
   * are never copied.
   */
  transfer?: boolean;
}

/**
 * A generation running in the worker (ChordWorker.generate). Errors in the options, or a generation already
 * running, reject the first next(); return() stops the worker's loop before its next token.
 */
export declare class WorkerGeneration {
  private constructor();
}
export interface WorkerGeneration extends TextGeneration {}

/**
 * A model loaded in a worker of its own, so the calling thread never blocks on the engine. The methods
 * are Chord's, answering with promises. dispose() ends the worker.
 */
export declare class ChordWorker {
  private constructor();

  /** Starts a worker and loads the model there; aborting the signal ends the worker. */
  static load(source: ModelSource | ModelSource[], options?: WorkerLoadOptions): Promise<ChordWorker>;

  info(): Promise<ModelInfo>;

  tokenize(text: string, options?: TokenizeOptions): Promise<number[]>;

  detokenize(ids: ArrayLike<number>, options?: DetokenizeOptions): Promise<string>;

  /** The next-token logits after `ids`, as Chord.evaluate computes them. */
  evaluate(ids: ArrayLike<number>, options?: EvaluateOptions): Promise<Float32Array>;

  generate(prompt: string | ArrayLike<number>, options?: GenerateOptions): WorkerGeneration;

  /** Forgets the cached conversation. */
  reset(): Promise<void>;

  /** Frees the model's memory and ends the worker. */
  dispose(): Promise<void>;
}

export default ChordWorker;
