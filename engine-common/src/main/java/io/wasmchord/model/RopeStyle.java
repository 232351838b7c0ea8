package io.wasmchord.model;

/** Which dimensions RoPE rotates together, as the architecture was trained. */
public enum RopeStyle {
    /** Adjacent pairs (2i, 2i + 1): Llama as converted by llama.cpp (ggml's rope mode 0). */
    NORMAL,
    /** Halves (i, i + n/2): GPT-NeoX, Qwen2 and others (ggml's rope mode 2). */
    NEOX
}
