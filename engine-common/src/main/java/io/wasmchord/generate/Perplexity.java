package io.wasmchord.generate;

import io.wasmchord.kernel.Kernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.ModelException;
import io.wasmchord.model.ModelState;

/**
 * Perplexity by llama.cpp's method (llama-perplexity): the tokens are cut into chunks of
 * {@code context} tokens, each chunk starts afresh with BOS in its first slot, and only the second
 * half of each chunk is scored (so every scored token sees at least half a context before it).
 */
public final class Perplexity {
    private Perplexity() {
    }

    /** The estimate, its standard error, and the running estimate after each chunk. */
    public record Result(double ppl, double stderr, double[] runningPpl, int scoredTokens) {
    }

    /** Told after each chunk: its index (from 0), the chunk count, the running estimate. */
    public interface Progress {
        void chunkDone(int chunk, int chunks, double runningPpl);
    }

    /**
     * @param tokens the whole text, tokenized as llama.cpp does (with BOS first when the model adds one)
     * @param bos    the BOS id put at the start of each chunk, or -1 for models that add none
     */
    public static Result compute(LanguageModel model, Kernels kernels, int[] tokens, int context, int bos,
                                 Progress progress) {
        if (context < 4) {
            throw new ModelException("perplexity needs a context of at least 4 tokens, got " + context);
        }
        if (tokens.length < 2 * context) {
            throw new ModelException("you need at least " + 2 * context + " tokens to evaluate perplexity with a context of "
                    + context + "; the text has " + tokens.length);
        }
        int vocab = model.config().vocabSize();
        int chunks = tokens.length / context;
        int first = context / 2;
        int scoredPerChunk = context - 1 - first;
        float[] logits = new float[(context - first) * vocab];
        int[] chunk = new int[context];
        double nll = 0;
        double nll2 = 0;
        int count = 0;
        double[] running = new double[chunks];
        ModelState state = model.newState(context, kernels);
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(tokens, c * context, chunk, 0, context);
            if (bos >= 0) {
                chunk[0] = bos;
            }
            state.cache().truncate(0);
            // logits of positions [first, context): only those rows are needed
            model.forward(state, chunk, 0, context, context - first, logits);
            for (int i = 0; i < scoredPerChunk; i++) {
                double v = -logSoftmax(logits, i * vocab, vocab, chunk[first + i + 1]);
                nll += v;
                nll2 += v * v;
            }
            count += scoredPerChunk;
            running[c] = Math.exp(nll / count);
            if (progress != null) {
                progress.chunkDone(c, chunks, running[c]);
            }
        }
        double mean = nll / count;
        double ppl = Math.exp(mean);
        double var = nll2 / count - mean * mean;
        double stderr = var > 0 ? Math.sqrt(var / (count - 1)) * ppl : Double.NaN;
        return new Result(ppl, stderr, running, count);
    }

    /** log softmax of {@code logits[offset + token]} over {@code n} values: max-shifted, sum in double. */
    static double logSoftmax(float[] logits, int offset, int n, int token) {
        float max = logits[offset];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (float) Math.exp(logits[offset + i] - max);
        }
        return logits[offset + token] - max - Math.log(sum);
    }
}
