package io.wasmchord.cli;

import io.wasmchord.generate.LoadedModel;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.generate.Perplexity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code chord perplexity}: llama-perplexity's measurement, with its output format. */
final class PerplexityCommand implements Command {
    @Override
    public String name() {
        return "perplexity";
    }

    @Override
    public String summary() {
        return "measure perplexity on a text file, as llama-perplexity does";
    }

    @Override
    public String help() {
        return """
                usage: ./chord perplexity -m MODEL.gguf -f TEXT [-c N]

                Tokenizes TEXT (BOS first when the vocabulary adds one), cuts it into chunks of N tokens,
                runs each chunk from an empty cache with BOS in its first slot, and scores the second half
                of each chunk, exactly as llama.cpp's llama-perplexity does. Prints the running estimate after
                each chunk, then "Final estimate: PPL = <value> +/- <stderr>".

                options:
                  -m, --model FILE    the GGUF model
                  -f, --file TEXT     the text to score (UTF-8)
                  -c, --ctx-size N    tokens per chunk (default 512); the text needs at least 2N tokens
                  --chunks K          score only the first K chunks
                """ + ModelLoader.THREADS_HELP;
    }

    @Override
    public int run(Args args) throws Exception {
        String model = args.required("FILE", "-m", "--model");
        String file = args.required("TEXT", "-f", "--file");
        int ctx = args.intOption(512, "-c", "--ctx-size");
        int threads = args.intOption(0, "-t", "--threads");
        int maxChunks = args.intOption(-1, "--chunks");
        List<String> rest = args.finish();
        if (!rest.isEmpty()) {
            throw new Args.UsageException("unexpected argument \"" + rest.get(0) + "\"");
        }
        String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        Kernels kernels = ModelLoader.kernels(threads);
        try (LoadedModel loaded = ModelLoader.load(model, false)) {
            int[] tokens = loaded.tokenizer().encode(text, true, false);
            if (maxChunks > 0 && tokens.length > maxChunks * ctx) {
                tokens = java.util.Arrays.copyOf(tokens, Math.max(maxChunks * ctx, 2 * ctx));
            }
            int bos = loaded.tokenizer().addsBos() ? loaded.tokenizer().bos() : -1;
            System.err.printf("perplexity: tokenized %d tokens; calculating perplexity over %d chunks, n_ctx=%d%n",
                    tokens.length, tokens.length / ctx, ctx);
            long t0 = System.nanoTime();
            Perplexity.Result r = Perplexity.compute(loaded.model(), kernels, tokens, ctx, bos,
                    (chunk, chunks, ppl) -> {
                        System.out.print(String.format(java.util.Locale.ROOT, "[%d]%.4f,", chunk + 1, ppl));
                        System.out.flush();
                    });
            System.out.println();
            System.err.printf("perplexity: %d tokens scored in %.2f s%n", r.scoredTokens(), (System.nanoTime() - t0) / 1e9);
            System.out.print(String.format(java.util.Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", r.ppl(), r.stderr()));
        } finally {
            ModelLoader.release(kernels);
        }
        return 0;
    }
}
