package io.wasmchord.tools;

import java.util.List;

/**
 * The hyper-parameters of a real Llama-family model, so random-weight files have the sizes (and thus
 * the speed) of the real thing.
 */
public record ModelShape(String name, int dim, int hidden, int layers, int heads, int kvHeads, int vocab,
                         int contextLength, float rmsEps, float ropeBase) {

    public static final List<ModelShape> KNOWN = List.of(
            // llama2.c's stories110M: multi-head attention, 32000-token SentencePiece vocabulary.
            new ModelShape("stories110m", 768, 2048, 12, 12, 12, 32000, 1024, 1e-5f, 10000f),
            // TinyLlama-1.1B: grouped-query attention with 4 kv heads.
            new ModelShape("tinyllama-1.1b", 2048, 5632, 22, 32, 4, 32000, 2048, 1e-5f, 10000f),
            new ModelShape("llama-7b", 4096, 11008, 32, 32, 32, 32000, 4096, 1e-5f, 10000f));

    public static ModelShape byName(String name) {
        for (ModelShape s : KNOWN) {
            if (s.name.equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }

    public int headDim() {
        return dim / heads;
    }

    public int kvDim() {
        return kvHeads * headDim();
    }

    /** Weights in the matrices (embeddings and output included), for size estimates. */
    public long parameterCount() {
        long perLayer = 2L * dim * dim + 2L * dim * kvDim() + 3L * dim * hidden + 2L * dim;
        return layers * perLayer + 2L * vocab * dim + dim;
    }
}
