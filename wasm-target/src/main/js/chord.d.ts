// Types of the wasm-chord ES module.

/** Where a model comes from: a URL (streamed), a path (Node), a File or Blob, or bytes in memory. */
export type ModelSource = string | URL | Blob | ArrayBuffer | ArrayBufferView;

export interface LoadProgress {
  /** Bytes read so far, all files together. */
  loaded: number;
  /** Bytes in all, when known (a server may not announce the length). */
  total: number | undefined;
}

export interface LoadOptions {
  /** Called as bytes arrive. */
  onProgress?: (progress: LoadProgress) => void;
  /** Cancels the load; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Positions of context to allocate; 0 or absent: the model's trained context length. */
  contextLength?: number;
  /**
   * The matrix kernels: "simd" (WebAssembly SIMD128; the default where the runtime has it) or "scalar"
   * (plain WebAssembly). Both give bit-identical results; SIMD is several times faster.
   */
  kernels?: Kernels;
}

export type Kernels = "simd" | "scalar";

/** Whether this runtime's WebAssembly has SIMD128 (and so `kernels: "simd"`). */
export const simdSupported: boolean;

export interface TensorInfo {
  name: string;
  /** ggml type name: "F32", "Q4_K", ... */
  type: string;
  /** Dimensions in ggml order (the first is the row length). */
  shape: number[];
  /** Byte offset of the data in the (merged) file. */
  offset: number;
  bytes: number;
}

/** A GGUF metadata value; arrays longer than 64 elements are summarised. */
export type MetadataValue =
  | string
  | number
  | boolean
  | MetadataValue[]
  | { type: "array"; elementType: string; length: number };

export interface ModelInfo {
  name: string;
  ggufVersion: number;
  /** Bytes of all files together. */
  fileSize: number;
  /** 1, or the number of shards of a split GGUF. */
  shards: number;
  alignment: number;
  metadata: Record<string, MetadataValue>;
  tensors: TensorInfo[];
  /** The kernels the model runs on. */
  kernels: Kernels;
}

export interface TokenizeOptions {
  /** Add the BOS/EOS tokens the vocabulary asks for (default true). */
  addSpecial?: boolean;
  /** Recognise control tokens written in the text, like "<s>" (default false). */
  parseSpecial?: boolean;
}

export interface DetokenizeOptions {
  /** Drop a leading BOS and trailing EOS the vocabulary would have added (default false). */
  removeSpecial?: boolean;
  /** Show control tokens as their text (default false). */
  renderSpecial?: boolean;
}

export interface GenerateOptions {
  /** Most tokens to generate; default: until the end of text or a full context. */
  maxTokens?: number;
  /** 0 is greedy decoding; default 0.8. */
  temperature?: number;
  /** Keep the k most likely tokens (0: off); default 40. */
  topK?: number;
  /** Nucleus sampling (1: off); default 0.95. */
  topP?: number;
  /** Drop tokens less likely than minP times the most likely (0: off); default 0.05. */
  minP?: number;
  /** Locally typical sampling (1: off); default 1. */
  typicalP?: number;
  /** Penalise tokens seen in the last penaltyWindow tokens (1: off); default 1. */
  repeatPenalty?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** How many recent tokens the penalties look at; default 64. */
  penaltyWindow?: number;
  /** Seed of the sampler's generator (a non-negative integer): same seed, same text. */
  seed?: number;
  /** Stop before any of these strings; they are not part of the text. */
  stop?: string | string[];
  /** Keep going past end-of-text tokens. */
  ignoreEos?: boolean;
  /** Stops the generation; the iteration then throws the signal's reason. */
  signal?: AbortSignal;
}

export interface EvaluateOptions {
  /** Reuse the tokens the cache shares with `ids` (default true); false computes all of them again. */
  reuseCache?: boolean;
}

export type StopReason = "endOfText" | "stopString" | "maxTokens" | "contextFull" | "cancelled";

export interface Usage {
  promptTokens: number;
  /** Prompt tokens found in the cache of the previous generation and not computed again. */
  reusedPromptTokens: number;
  generatedTokens: number;
  prefillMs: number;
  decodeMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  stopReason: StopReason;
  warnings: string[];
}

/** What a generation in progress offers, in Chord and in ChordWorker: iterate it for text pieces (whole characters). */
export interface TextGeneration extends AsyncIterableIterator<string> {
  [Symbol.asyncIterator](): AsyncIterableIterator<string>;
  next(): Promise<IteratorResult<string, undefined>>;
  /** Stops the generation (a for-await loop left early calls it). */
  return(): Promise<IteratorResult<string, undefined>>;
  /** Runs to the end and returns the whole text. */
  text(): Promise<string>;
  /** Set once the generation has ended. */
  readonly usage: Usage | null;
  /** The generated token ids, set once the generation has ended (an end-of-text token is not included). */
  readonly tokens: number[] | null;
  /** The prompt's token ids as run, set once the generation has ended. */
  readonly promptTokens: number[] | null;
}

/** A generation in progress (Chord.generate). */
export declare class Generation {
  private constructor();
}
export interface Generation extends TextGeneration {}

/** A language model loaded into WebAssembly memory. */
export declare class Chord {
  private constructor();

  /**
   * Loads a GGUF model. A list loads the shards of a split GGUF (name-00001-of-0000N.gguf, in order); a
   * URL of the first shard alone fetches the others too.
   */
  static load(source: ModelSource | ModelSource[], options?: LoadOptions): Promise<Chord>;

  /** The GGUF header: metadata and tensor table. */
  info(): ModelInfo;

  tokenize(text: string, options?: TokenizeOptions): number[];

  detokenize(ids: ArrayLike<number>, options?: DetokenizeOptions): string;

  /**
   * Generates text after a prompt (text, or token ids). One generation runs at a time per model; the next
   * one reuses the cached tokens its prompt shares with the previous prompt and reply.
   */
  generate(prompt: string | ArrayLike<number>, options?: GenerateOptions): Generation;

  /**
   * The logits (raw, unnormalised scores, one per vocabulary entry) of the token that would follow `ids`:
   * for scoring text or a sampler of your own. Reuses the cached tokens `ids` share with the last
   * generation or evaluation; afterwards the cache holds `ids`, so evaluating or generating after `ids`
   * plus one token computes only that token. Throws while a generation is running.
   */
  evaluate(ids: ArrayLike<number>, options?: EvaluateOptions): Float32Array;

  /** Forgets the cached conversation: the next prompt is computed from scratch. */
  reset(): void;

  /** Frees the model's memory; the object cannot be used afterwards. */
  dispose(): void;
}

export default Chord;
