package io.wasmchord.cli;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.kernels.HostKernels;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.Models;
import io.wasmchord.tools.Benchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code chord bench}: prompt and generation speed, like llama-bench. */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure prompt and generation speed (tokens/s), like llama-bench";
    }

    @Override
    public String help() {
        return """
                usage: ./chord bench -m FILE.gguf [options]

                Runs llama-bench's tests on random tokens: ppN processes N prompt tokens as one input from
                an empty cache; tgN generates N tokens one at a time from an empty cache. Each test first
                runs to warm up (JIT compilation, page faults: once, and again until 3 s have passed and a
                run went by without the JIT compiling; at most 20 runs, 30 s), then REPS timed times.
                The table shows the median tokens/s with the spread (min-max); t/CPU-s, tokens per
                second of CPU time the process used (what the code does per core on a shared machine;
                spinning workers count); and B/token, Java heap bytes allocated per token in the leanest
                timed run (all threads; 0 once warm; a decode test above 64 KiB per token gets a warning
                on stderr: the JIT boxed vectors in that process). The JSON has llama-bench's fields
                (avg_ts, stddev_ts) plus cpu_ts and alloc_bytes_per_token.

                options:
                  -m, --model FILE     the model
                  -p, --n-prompt N     prompt tokens (default 128; 0 skips the test)
                  -n, --n-gen N        generated tokens (default 64; 0 skips the test)
                  -t, --threads N      threads (default: every core, %d here)
                  -r, --repetitions N  timed runs per test (default 5)
                  -o, --output FMT     md (default) or json: a list of runs in llama-bench's JSON shape
                """.formatted(HostKernels.defaultThreads());
    }

    @Override
    public int run(Args args) throws Exception {
        String file = args.required("FILE.gguf", "-m", "--model");
        int prompt = args.intOption(128, "-p", "--n-prompt");
        int gen = args.intOption(64, "-n", "--n-gen");
        int threads = args.intOption(HostKernels.defaultThreads(), "-t", "--threads");
        int reps = args.intOption(5, "-r", "--repetitions");
        String output = args.option("-o", "--output");
        List<String> rest = args.finish();
        if (!rest.isEmpty()) {
            throw new Args.UsageException("unexpected argument " + rest.get(0));
        }
        if (prompt < 0 || gen < 0 || threads < 1 || reps < 1) {
            throw new Args.UsageException("-p and -n must be >= 0, -t and -r >= 1");
        }
        boolean json = "json".equals(output);
        if (output != null && !json && !"md".equals(output)) {
            throw new Args.UsageException("-o expects md or json, got \"" + output + "\"");
        }
        Path path = Path.of(file);
        try (GgufFile gguf = GgufFile.open(MappedFile.open(path))) {
            LanguageModel model = Models.load(gguf);
            Kernels kernels = HostKernels.create(threads);
            try {
                int bos = gguf.getInt("tokenizer.ggml.bos_token_id", 1);
                Benchmark bench = new Benchmark(model, kernels, bos);
                List<Benchmark.Result> results = new ArrayList<>();
                if (prompt > 0) {
                    results.add(bench.prompt(prompt, reps));
                }
                if (gen > 0) {
                    results.add(bench.generate(gen, reps));
                }
                long size = Files.size(path);
                long params = parameters(gguf);
                String backend = HostKernels.describe(kernels);
                int usedThreads = backend.startsWith("vector") ? threads : 1;
                System.out.print(json ? json(path, size, params, usedThreads, backend, results)
                        : markdown(path, size, params, usedThreads, backend, results));
                warnIfBoxed(results);
            } finally {
                if (kernels instanceof AutoCloseable c) {
                    c.close();
                }
            }
        }
        return 0;
    }

    private static void warnIfBoxed(List<Benchmark.Result> results) {
        for (Benchmark.Result r : results) {
            String warning = boxedWarning(r);
            if (warning != null) {
                System.err.println(warning);
            }
        }
    }

    /**
     * Decoding allocates nothing once warm: kilobytes per token in the leanest run mean C2 compiled a
     * kernel with boxed vectors in this process (an intermittent JIT outcome), so its speed misleads.
     */
    static String boxedWarning(Benchmark.Result r) {
        if (!r.test().startsWith("tg") || r.allocatedBytesPerToken() <= 64 * 1024) {
            return null;
        }
        return String.format(Locale.ROOT, "chord bench: %s allocated %.1f MB per token even in its leanest run: the JIT"
                + " compiled some kernel with boxed vectors in this process, so its speed is not representative;"
                + " run it again (docs/PERFORMANCE.md, \"What is left\")", r.test(), r.allocatedBytesPerToken() / 1e6);
    }

    private static long parameters(GgufFile gguf) {
        long n = 0;
        for (var t : gguf.tensors()) {
            n += t.elementCount();
        }
        return n;
    }

    private static String markdown(Path path, long size, long params, int threads, String backend, List<Benchmark.Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "| %-30s | %10s | %8s | %-24s | %7s | %6s | %22s | %9s | %7s |%n",
                "model", "size", "params", "backend", "threads", "test", "t/s (median, min-max)", "t/CPU-s", "B/token"));
        sb.append("| ").append("-".repeat(30)).append(" | ").append("-".repeat(9)).append(": | ").append("-".repeat(7))
                .append(": | ").append("-".repeat(24)).append(" | ").append("-".repeat(6)).append(": | ")
                .append("-".repeat(6)).append(" | ").append("-".repeat(21)).append(": | ").append("-".repeat(8)).append(": | ")
                .append("-".repeat(6)).append(": |\n");
        for (Benchmark.Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %-30s | %6.2f MiB | %6.2f M | %-24s | %7d | %6s | %8.2f (%.2f-%.2f) | %9.2f | %7.0f |%n",
                    path.getFileName(), size / 1048576.0, params / 1e6, backend, threads, r.test(), r.median(), r.min(), r.max(),
                    r.tokensPerCpuSecond(), r.allocatedBytesPerToken()));
        }
        return sb.toString();
    }

    private static String json(Path path, long size, long params, int threads, String backend, List<Benchmark.Result> results) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < results.size(); i++) {
            Benchmark.Result r = results.get(i);
            sb.append("  {\n");
            field(sb, "build_commit", quote("wasm-chord"));
            field(sb, "backends", quote(backend));
            field(sb, "model_filename", quote(path.toString()));
            field(sb, "model_size", Long.toString(size));
            field(sb, "model_n_params", Long.toString(params));
            field(sb, "n_threads", Integer.toString(threads));
            field(sb, "n_prompt", Integer.toString(r.prompt()));
            field(sb, "n_gen", Integer.toString(r.gen()));
            field(sb, "avg_ns", Long.toString(Math.round(r.meanNanos())));
            field(sb, "stddev_ns", Long.toString(Math.round(r.stddevNanos())));
            field(sb, "avg_ts", String.format(Locale.ROOT, "%.6f", r.mean()));
            field(sb, "stddev_ts", String.format(Locale.ROOT, "%.6f", r.stddev()));
            field(sb, "alloc_bytes_per_token", String.format(Locale.ROOT, "%.1f", r.allocatedBytesPerToken())); // chord's own
            field(sb, "cpu_ts", String.format(Locale.ROOT, "%.6f", r.tokensPerCpuSecond())); // chord's own: tokens per CPU-second
            StringBuilder samples = new StringBuilder("[");
            for (int k = 0; k < r.tokensPerSecond().length; k++) {
                samples.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", r.tokensPerSecond()[k]));
            }
            sb.append("    \"samples_ts\": ").append(samples).append("]\n");
            sb.append(i + 1 < results.size() ? "  },\n" : "  }\n");
        }
        return sb.append("]\n").toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append("    \"").append(name).append("\": ").append(value).append(",\n");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
