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
}

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

  /** Frees the model's memory; the object cannot be used afterwards. */
  dispose(): void;
}

export default Chord;
