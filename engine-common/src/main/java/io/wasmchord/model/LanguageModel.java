package io.wasmchord.model;

import io.wasmchord.kernel.Kernels;

/** A causal language model: tokens in, next-token logits out, one {@link ModelState} per sequence. */
public interface LanguageModel {

    ModelConfig config();

    /** A fresh state with room for {@code context} positions, computing with {@code kernels}. */
    ModelState newState(int context, Kernels kernels);

    /**
     * Runs {@code count} tokens from {@code tokens[offset]} at the positions following those already
     * in {@code state}, appending them to its cache. The logits of the last {@code outputs} tokens
     * (0 for none) go to {@code logits}, {@code vocabSize} values per token, in order.
     */
    void forward(ModelState state, int[] tokens, int offset, int count, int outputs, float[] logits);
}
