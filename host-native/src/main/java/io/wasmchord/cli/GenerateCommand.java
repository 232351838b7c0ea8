package io.wasmchord.cli;

import io.wasmchord.generate.Generation;
import io.wasmchord.generate.GenerationOptions;
import io.wasmchord.generate.LoadedModel;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.generate.Session;
import io.wasmchord.generate.Usage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code chord generate}: a prompt in, the model's continuation streamed to stdout. */
final class GenerateCommand implements Command {
    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "continue a prompt with a GGUF model, streaming the text";
    }

    @Override
    public String help() {
        return """
                usage: ./chord generate -m MODEL.gguf -p PROMPT [options]

                Runs the prompt (BOS added when the vocabulary asks for it) and streams the generated text
                (not the prompt) to stdout as it is produced; diagnostics and timings go to stderr.
                Greedy decoding (--temp 0) gives the same tokens as llama.cpp on the same file.

                options:
                  -m, --model FILE     the GGUF model
                  -p, --prompt TEXT    the prompt
                  -f, --file FILE      read the prompt from FILE instead
                  -n, --n-predict N    generate at most N tokens (default -1: until end of text or full context)
                  -c, --ctx-size N     context size in tokens (default: the model's trained context)
                  --stop TEXT          stop when the text contains TEXT, which is left out (repeatable)
                  --ignore-eos         keep going past end-of-text tokens
                  --truncate           drop the oldest prompt tokens if the prompt does not fit the context
                                       (otherwise that is an error)
                  -q, --quiet          no diagnostics on stderr
                """ + ModelLoader.THREADS_HELP + SamplingOptions.HELP;
    }

    @Override
    public int run(Args args) throws Exception {
        String model = args.required("FILE", "-m", "--model");
        String prompt = args.option("-p", "--prompt");
        String promptFile = args.option("-f", "--file");
        int n = args.intOption(-1, "-n", "--n-predict");
        int ctx = args.intOption(0, "-c", "--ctx-size");
        int threads = args.intOption(0, "-t", "--threads");
        boolean ignoreEos = args.flag("--ignore-eos");
        boolean truncate = args.flag("--truncate");
        boolean quiet = args.flag("-q", "--quiet");
        List<String> stops = SamplingOptions.stops(args);
        var sampling = SamplingOptions.read(args);
        List<String> rest = args.finish();
        if (!rest.isEmpty()) {
            throw new Args.UsageException("unexpected argument \"" + rest.get(0) + "\" (quote the prompt and pass it with -p)");
        }
        if ((prompt == null) == (promptFile == null)) {
            throw new Args.UsageException("give the prompt with exactly one of -p and -f");
        }
        if (promptFile != null) {
            prompt = Files.readString(Path.of(promptFile), StandardCharsets.UTF_8);
        }
        if (ctx < 0) {
            throw new Args.UsageException("--ctx-size must be positive");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Kernels kernels = null;
        try (LoadedModel loaded = ModelLoader.load(model, quiet)) {
            kernels = ModelLoader.kernels(threads, loaded, ctx);
            Session session = loaded.newSession(ctx, kernels);
            String loadedMemory = quiet ? null : MemoryReport.describe(loaded.gguf().source().size(), session.kvCacheBytes());
            GenerationOptions options = new GenerationOptions(n, sampling, stops, ignoreEos, truncate);
            Generation g = session.generate(prompt, options);
            for (String w : g.warnings()) {
                System.err.println("chord generate: warning: " + w);
            }
            while (g.hasNext()) {
                out.print(g.next());
                out.flush();
            }
            out.println();
            if (!quiet) {
                Usage u = g.usage();
                System.err.println("chord: context " + session.context() + ", prompt " + u.promptTokens() + " tokens in "
                        + Decimals.fixed(u.prefillNanos() / 1e6, 1) + " ms (" + Decimals.fixed(u.prefillTokensPerSecond(), 1)
                        + " tok/s), generated " + u.generatedTokens() + " tokens in " + Decimals.fixed(u.decodeNanos() / 1e6, 1)
                        + " ms (" + Decimals.fixed(u.decodeTokensPerSecond(), 1) + " tok/s), stopped: "
                        + u.stopReason().name().toLowerCase().replace('_', ' '));
                String memory = MemoryReport.describe(loaded.gguf().source().size(), session.kvCacheBytes());
                if (memory != null) {
                    System.err.println("chord: memory after loading: " + loadedMemory);
                    System.err.println("chord: memory after generating: " + memory);
                }
            }
        } finally {
            ModelLoader.release(kernels);
        }
        return 0;
    }
}
