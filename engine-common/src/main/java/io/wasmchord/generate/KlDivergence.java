package io.wasmchord.generate;

import io.wasmchord.kernel.Kernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.ModelException;
import io.wasmchord.model.ModelState;
import java.util.Arrays;

/**
 * How far a (quantized) model's next-token distributions are from its base model's, measured as
 * llama-perplexity's KL-divergence mode does: the text is cut into chunks as for {@link Perplexity},
 * and at every scored position of every chunk the two models' softmaxes are compared. Both models
 * run side by side, so no base logits file is needed.
 */
public final class KlDivergence {
    private KlDivergence() {
    }

    /** The statistics of one chunk. */
    public record Chunk(double ppl, double basePpl, double meanKld, double deltaPRms, double sameTop, double maxLogitDiff) {
    }

    /**
     * The totals: perplexities, KL divergence (mean, its standard error, max and percentiles), the
     * change in the probability of the right token (RMS), top-1 agreement and the largest absolute
     * logit difference seen.
     */
    public record Result(double ppl, double basePpl, double meanKld, double kldStderr, double maxKld,
                         double kld99, double kld90, double kldMedian, double deltaPRms, double sameTop,
                         double maxLogitDiff, int scoredTokens, Chunk[] chunks) {
        /** ln(PPL(model) / PPL(base)). */
        public double logPplRatio() {
            return Math.log(ppl / basePpl);
        }
    }

    /** Told after each chunk: its index (from 0), the chunk count, its statistics. */
    public interface Progress {
        void chunkDone(int chunk, int chunks, Chunk stats);
    }

    /**
     * The base model's logits over the scored positions of every chunk, computed once so that several
     * models can be compared with it (as llama-perplexity's saved KL base file). Memory: chunks x
     * (context / 2) x vocabulary floats.
     */
    public static final class Reference {
        private final LanguageModel base;
        private final float[][] logits;

        private Reference(LanguageModel base, float[][] logits) {
            this.base = base;
            this.logits = logits;
        }

        public static Reference compute(LanguageModel base, Kernels kernels, int[] tokens, int context, int bos) {
            check(tokens, context);
            int chunks = tokens.length / context;
            int first = context / 2;
            float[][] logits = new float[chunks][(context - first) * base.config().vocabSize()];
            int[] chunk = new int[context];
            ModelState state = base.newState(context, kernels);
            for (int c = 0; c < chunks; c++) {
                fill(chunk, tokens, c, context, bos);
                state.cache().truncate(0);
                base.forward(state, chunk, 0, context, context - first, logits[c]);
            }
            return new Reference(base, logits);
        }

        /** Bytes a reference for this text would hold. */
        public static long bytesFor(LanguageModel base, int tokens, int context) {
            return 4L * (tokens / context) * (context - context / 2) * base.config().vocabSize();
        }
    }

    private static void check(int[] tokens, int context) {
        if (context < 4) {
            throw new ModelException("KL divergence needs a context of at least 4 tokens, got " + context);
        }
        if (tokens.length < 2 * context) {
            throw new ModelException("you need at least " + 2 * context + " tokens for a context of " + context
                    + "; the text has " + tokens.length);
        }
    }

    private static void fill(int[] chunk, int[] tokens, int c, int context, int bos) {
        System.arraycopy(tokens, c * context, chunk, 0, context);
        if (bos >= 0) {
            chunk[0] = bos;
        }
    }

    /** Compares {@code model} with {@code base}, running both side by side. */
    public static Result compute(LanguageModel base, LanguageModel model, Kernels kernels, int[] tokens, int context,
                                 int bos, Progress progress) {
        return compute(base, null, model, kernels, tokens, context, bos, progress);
    }

    /** Compares {@code model} with a base whose logits were computed beforehand on the same tokens. */
    public static Result compute(Reference reference, LanguageModel model, Kernels kernels, int[] tokens, int context,
                                 int bos, Progress progress) {
        return compute(reference.base, reference, model, kernels, tokens, context, bos, progress);
    }

    private static Result compute(LanguageModel base, Reference reference, LanguageModel model, Kernels kernels,
                                  int[] tokens, int context, int bos, Progress progress) {
        int vocab = model.config().vocabSize();
        if (base.config().vocabSize() != vocab) {
            throw new ModelException("the models have different vocabularies (" + base.config().vocabSize() + " and "
                    + vocab + " tokens)");
        }
        check(tokens, context);
        if (reference != null && reference.logits.length != tokens.length / context) {
            throw new ModelException("the reference logits were computed on another text");
        }
        int chunks = tokens.length / context;
        int first = context / 2;
        int scored = context - 1 - first;
        float[] baseLogits = new float[(context - first) * vocab];
        float[] logits = new float[(context - first) * vocab];
        double[] pBase = new double[vocab];
        double[] kld = new double[chunks * scored];
        int[] chunk = new int[context];
        ModelState baseState = reference == null ? base.newState(context, kernels) : null;
        ModelState state = model.newState(context, kernels);
        double nll = 0;
        double baseNll = 0;
        double kldSum = 0;
        double kldSum2 = 0;
        double dp2 = 0;
        int same = 0;
        double maxDiff = 0;
        int n = 0;
        Chunk[] perChunk = new Chunk[chunks];
        for (int c = 0; c < chunks; c++) {
            fill(chunk, tokens, c, context, bos);
            if (reference == null) {
                baseState.cache().truncate(0);
                base.forward(baseState, chunk, 0, context, context - first, baseLogits);
            } else {
                baseLogits = reference.logits[c];
            }
            state.cache().truncate(0);
            model.forward(state, chunk, 0, context, context - first, logits);
            double cNll = 0;
            double cBaseNll = 0;
            double cKld = 0;
            double cDp2 = 0;
            int cSame = 0;
            double cMaxDiff = 0;
            for (int i = 0; i < scored; i++) {
                int off = i * vocab;
                int target = chunk[first + i + 1];
                double baseLse = logSumExp(baseLogits, off, vocab);
                double lse = logSumExp(logits, off, vocab);
                double k = 0;
                int baseTop = 0;
                int top = 0;
                for (int t = 0; t < vocab; t++) {
                    double lpBase = baseLogits[off + t] - baseLse;
                    double lp = logits[off + t] - lse;
                    pBase[t] = Math.exp(lpBase);
                    k += pBase[t] * (lpBase - lp);
                    if (baseLogits[off + t] > baseLogits[off + baseTop]) {
                        baseTop = t;
                    }
                    if (logits[off + t] > logits[off + top]) {
                        top = t;
                    }
                    cMaxDiff = Math.max(cMaxDiff, Math.abs(logits[off + t] - baseLogits[off + t]));
                }
                k = Math.max(0, k);
                kld[n++] = k;
                cKld += k;
                double lpTarget = logits[off + target] - lse;
                double lpBaseTarget = baseLogits[off + target] - baseLse;
                cNll -= lpTarget;
                cBaseNll -= lpBaseTarget;
                double dp = Math.exp(lpTarget) - Math.exp(lpBaseTarget);
                cDp2 += dp * dp;
                if (top == baseTop) {
                    cSame++;
                }
                kldSum2 += k * k;
            }
            nll += cNll;
            baseNll += cBaseNll;
            kldSum += cKld;
            dp2 += cDp2;
            same += cSame;
            maxDiff = Math.max(maxDiff, cMaxDiff);
            perChunk[c] = new Chunk(Math.exp(nll / n), Math.exp(baseNll / n), cKld / scored, Math.sqrt(cDp2 / scored),
                    (double) cSame / scored, cMaxDiff);
            if (progress != null) {
                progress.chunkDone(c, chunks, perChunk[c]);
            }
        }
        double mean = kldSum / n;
        double var = kldSum2 / n - mean * mean;
        double[] sorted = Arrays.copyOf(kld, n);
        Arrays.sort(sorted);
        return new Result(Math.exp(nll / n), Math.exp(baseNll / n), mean, var > 0 && n > 1 ? Math.sqrt(var / (n - 1)) : 0,
                sorted[n - 1], percentile(sorted, 0.99), percentile(sorted, 0.90), percentile(sorted, 0.5),
                Math.sqrt(dp2 / n), (double) same / n, maxDiff, n, perChunk);
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))];
    }

    private static double logSumExp(float[] x, int off, int n) {
        float max = x[off];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[off + i] - max);
        }
        return max + Math.log(sum);
    }
}
