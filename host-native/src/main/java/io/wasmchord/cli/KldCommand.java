package io.wasmchord.cli;

import io.wasmchord.generate.KlDivergence;
import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.MappedFile;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.Models;
import io.wasmchord.tokenizer.Tokenizer;
import io.wasmchord.tokenizer.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code chord kld -m FILE --base BASE -f TEXT}: a model's divergence from its base, per chunk. */
final class KldCommand implements Command {
    @Override
    public String name() {
        return "kld";
    }

    @Override
    public String summary() {
        return "KL divergence, top-1 agreement and logit differences of a model against its base";
    }

    @Override
    public String help() {
        return """
                usage: ./chord kld -m MODEL.gguf --base BASE.gguf -f TEXT [-c N]

                Runs both models over TEXT, cut into chunks as llama-perplexity does (BOS first, second half of
                each chunk scored), and compares their next-token distributions like llama-perplexity's
                KL-divergence mode. Per chunk: running PPL of MODEL, ln(PPL(MODEL)/PPL(BASE)), mean KL
                divergence, RMS change of the right token's probability, top-1 agreement, largest |logit
                difference|. Then the totals, with KLD percentiles. Both models must share the vocabulary.

                options:
                  -m, --model FILE    the model to judge (usually quantized)
                  --base FILE         the reference model (usually F32, F16 or BF16)
                  -f, --file TEXT     the text (UTF-8)
                  -c, --ctx-size N    tokens per chunk (default 512); the text needs at least 2N tokens
                  --chunks K          use only the first K chunks
                """ + ModelLoader.THREADS_HELP;
    }

    @Override
    public int run(Args args) throws Exception {
        String model = args.required("FILE", "-m", "--model");
        String base = args.required("FILE", "--base");
        String file = args.required("TEXT", "-f", "--file");
        int ctx = args.intOption(512, "-c", "--ctx-size");
        int maxChunks = args.intOption(-1, "--chunks");
        int threads = args.intOption(0, "-t", "--threads");
        List<String> rest = args.finish();
        if (!rest.isEmpty()) {
            throw new Args.UsageException("unexpected argument \"" + rest.get(0) + "\"");
        }
        String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        try (Comparison c = new Comparison(Path.of(base), text, ctx, maxChunks, false, threads)) {
            System.out.print(summary(c.against(Path.of(model), true)));
        }
        return 0;
    }

    /** Runs the comparison; prints a line per chunk to stdout when {@code verbose}. */
    static KlDivergence.Result measure(Path model, Path base, String text, int ctx, int maxChunks, boolean verbose)
            throws Exception {
        try (Comparison c = new Comparison(base, text, ctx, maxChunks, false, 0)) {
            return c.against(model, verbose);
        }
    }

    /**
     * A base model and a tokenized text, to compare one model or several with. With {@code cacheBase}
     * the base's logits are computed once (when they fit in 1 GiB), not once per model.
     */
    static final class Comparison implements AutoCloseable {
        private static final long MAX_CACHE = 1L << 30;

        private final GgufFile baseFile;
        private final LanguageModel baseModel;
        private final int[] tokens;
        private final int ctx;
        private final int bos;
        private final KlDivergence.Reference reference;
        private final Kernels kernels;

        /** @param threads compute threads, 0 for every core */
        Comparison(Path base, String text, int ctx, int maxChunks, boolean cacheBase, int threads) throws Exception {
            this.kernels = ModelLoader.kernels(threads);
            this.baseFile = GgufFile.open(MappedFile.open(base));
            try {
                Tokenizer tokenizer = Tokenizers.fromGguf(baseFile);
                this.baseModel = Models.load(baseFile);
                int[] t = tokenizer.encode(text, true, false);
                if (maxChunks > 0 && t.length > maxChunks * ctx) {
                    t = java.util.Arrays.copyOf(t, Math.max(maxChunks * ctx, 2 * ctx));
                }
                this.tokens = t;
                this.ctx = ctx;
                this.bos = tokenizer.addsBos() ? tokenizer.bos() : -1;
                this.reference = cacheBase && KlDivergence.Reference.bytesFor(baseModel, t.length, ctx) <= MAX_CACHE
                        ? KlDivergence.Reference.compute(baseModel, kernels, t, ctx, bos) : null;
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        KlDivergence.Result against(Path model, boolean verbose) throws Exception {
            try (GgufFile modelFile = GgufFile.open(MappedFile.open(model))) {
                LanguageModel judged = Models.load(modelFile);
                if (verbose) {
                    System.out.println("chunk   PPL        ln(PPL(Q)/PPL(base))  KL divergence  dp RMS    same top  max |dlogit|");
                }
                KlDivergence.Progress progress = (c, n, s) -> {
                    if (verbose) {
                        System.out.printf(Locale.ROOT, "%4d  %10.4f  %20.5f  %13.6f  %7.3f%%  %7.2f%%  %10.4f%n", c + 1,
                                s.ppl(), Math.log(s.ppl() / s.basePpl()), s.meanKld(), 100 * s.deltaPRms(),
                                100 * s.sameTop(), s.maxLogitDiff());
                    }
                };
                return reference != null
                        ? KlDivergence.compute(reference, judged, kernels, tokens, ctx, bos, progress)
                        : KlDivergence.compute(baseModel, judged, kernels, tokens, ctx, bos, progress);
            }
        }

        @Override
        public void close() throws Exception {
            try {
                baseFile.close();
            } finally {
                ModelLoader.release(kernels);
            }
        }
    }

    static String summary(KlDivergence.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n====== Perplexity statistics ======%n"));
        sb.append(String.format(Locale.ROOT, "PPL(Q)                 : %10.6f%n", r.ppl()));
        sb.append(String.format(Locale.ROOT, "PPL(base)              : %10.6f%n", r.basePpl()));
        sb.append(String.format(Locale.ROOT, "ln(PPL(Q)/PPL(base))   : %10.6f%n", r.logPplRatio()));
        sb.append(String.format(Locale.ROOT, "%n====== KL divergence statistics ======%n"));
        sb.append(String.format(Locale.ROOT, "Mean    KLD: %10.6f +/- %10.6f%n", r.meanKld(), r.kldStderr()));
        sb.append(String.format(Locale.ROOT, "Maximum KLD: %10.6f%n", r.maxKld()));
        sb.append(String.format(Locale.ROOT, "99.0%%   KLD: %10.6f%n", r.kld99()));
        sb.append(String.format(Locale.ROOT, "90.0%%   KLD: %10.6f%n", r.kld90()));
        sb.append(String.format(Locale.ROOT, "Median  KLD: %10.6f%n", r.kldMedian()));
        sb.append(String.format(Locale.ROOT, "%n====== Token probability statistics ======%n"));
        sb.append(String.format(Locale.ROOT, "RMS dp    : %8.3f %%%n", 100 * r.deltaPRms()));
        sb.append(String.format(Locale.ROOT, "Same top p: %8.3f %%%n", 100 * r.sameTop()));
        sb.append(String.format(Locale.ROOT, "Max |dlogit|: %8.4f%n", r.maxLogitDiff()));
        sb.append(String.format(Locale.ROOT, "Scored tokens: %d%n", r.scoredTokens()));
        return sb.toString();
    }
}
