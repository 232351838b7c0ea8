package io.wasmchord.generate;

import io.wasmchord.kernel.Kernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.ModelException;
import io.wasmchord.model.ModelState;
import io.wasmchord.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * One conversation with a model: it owns the KV cache and remembers which tokens the cache holds, so a
 * prompt that extends the previous prompt and reply (the next chat turn) only computes what is new.
 * One generation runs at a time; not thread-safe.
 */
public final class Session {
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final ModelState state;
    /** The tokens whose keys and values are in the cache, in order; {@code state.length()} of them. */
    private int[] cached = new int[64];
    private Generation current;

    public Session(LanguageModel model, Tokenizer tokenizer, int context, Kernels kernels) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.state = model.newState(context, kernels);
    }

    public LanguageModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The number of positions the cache can hold. */
    public int context() {
        return state.capacity();
    }

    /** Bytes the KV cache takes. */
    public long kvCacheBytes() {
        return state.cache().bytes();
    }

    /** The tokens the cache currently holds (prompt and generated text of the last turn). */
    public int[] cachedTokens() {
        return Arrays.copyOf(cached, state.length());
    }

    /**
     * Starts generating after {@code prompt} (BOS added when the vocabulary asks for it). Nothing runs
     * until the returned generation is iterated.
     */
    public Generation generate(String prompt, GenerationOptions options) {
        return generate(tokenizer.encode(prompt, true, false), options);
    }

    /** As {@link #generate(String, GenerationOptions)}, from token ids. */
    public Generation generate(int[] promptTokens, GenerationOptions options) {
        if (current != null && !current.finished()) {
            throw new IllegalStateException("a generation is still running in this session; cancel or finish it first");
        }
        if (promptTokens.length == 0) {
            throw new ModelException("the prompt is empty (no tokens, and the vocabulary adds no BOS)");
        }
        current = new Generation(this, promptTokens, options);
        return current;
    }

    /**
     * Computes the next-token logits after {@code tokens} into {@code logits} ({@code vocabSize} values):
     * the cached prefix they share with the last turn is reused, the rest is run, and the cache then holds
     * exactly {@code tokens}, so a following {@link #generate} or evaluate that extends them only computes
     * what is new. For scoring and for samplers of the caller's own.
     */
    public void evaluate(int[] tokens, float[] logits) {
        if (current != null && !current.finished()) {
            throw new IllegalStateException("a generation is still running in this session; cancel or finish it first");
        }
        if (tokens.length == 0) {
            throw new ModelException("no tokens to evaluate");
        }
        int vocab = model.config().vocabSize();
        if (logits.length < vocab) {
            throw new IllegalArgumentException("room for " + logits.length + " logits, the vocabulary has " + vocab);
        }
        if (tokens.length > context()) {
            throw new ModelException(tokens.length + " tokens do not fit in a context of " + context());
        }
        int reused = reusePrefix(tokens);
        run(tokens, reused, tokens.length - reused, logits);
    }

    /** Cancels the running generation, if any; it stops before its next token. */
    public void cancel() {
        if (current != null) {
            current.cancel();
        }
    }

    /** Forgets the cache: the next prompt is computed from scratch. */
    public void reset() {
        state.cache().truncate(0);
    }

    ModelState state() {
        return state;
    }

    /**
     * Keeps the longest cached prefix shared with {@code tokens} (leaving at least the last token to
     * compute, since its logits are needed) and returns its length.
     */
    int reusePrefix(int[] tokens) {
        int n = Math.min(state.length(), tokens.length - 1);
        int common = 0;
        while (common < n && cached[common] == tokens[common]) {
            common++;
        }
        state.cache().truncate(common);
        return common;
    }

    /** Runs {@code count} tokens from {@code tokens[offset]}; logits of the last go to {@code logits}. */
    void run(int[] tokens, int offset, int count, float[] logits) {
        int start = state.length();
        model.forward(state, tokens, offset, count, 1, logits);
        if (cached.length < start + count) {
            cached = Arrays.copyOf(cached, Math.max(cached.length * 2, start + count));
        }
        System.arraycopy(tokens, offset, cached, start, count);
    }
}
