package io.wasmchord.tools;

import io.wasmchord.kernel.Kernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.ModelState;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * llama-bench's two tests on a loaded model: prompt processing ({@code pp}: n tokens in one batch from an
 * empty cache) and text generation ({@code tg}: n single-token steps from an empty cache, starting at
 * BOS, each producing logits). Each test keeps one sequence state and empties its cache before every
 * run, as llama-bench clears its context's memory and as a {@code Session} is reset: a new state per run
 * made every prompt allocate its batch buffers (5 MB for stories110M's 128 tokens) inside the timing.
 * Tokens are random ids, as llama-bench's are.
 *
 * <p>Warm-up runs precede the timed repetitions: one, as llama-bench does, then more until
 * {@link #WARM_UP_NANOS} have passed and a whole run went by without the JIT compiling anything and, for
 * generation, without allocating more than {@link #WARM_BYTES_PER_TOKEN} a token (within
 * {@link #MAX_WARM_UP_RUNS} runs and {@link #MAX_WARM_UP_NANOS}). The JIT compiles the small per-token
 * vector methods (norms, attention, the output matrix's encoding, called once a token) seconds after the
 * matmuls, and until it has they run as slow, allocating interpreted or C1 vector code. The time alone
 * was not enough once the mat-vecs grew (session 9: stories110M Q4_0's timed runs still met Q8_K's
 * encoding in C1 code); nor was a run without compilation (session 14: TinyLlama Q4_0's decode
 * attention and nibble pairs still ran in C1 or interpreted code between tiers, 6 kB a token in every
 * timed run), but a decoding JVM that allocates nothing has its per-token code compiled.
 */
public final class Benchmark {
    /** Warm-up lasts at least this long, and until a run goes by without JIT compilation ... */
    static final long WARM_UP_NANOS = 3_000_000_000L;
    /** ... but at most this many runs and this long. */
    static final int MAX_WARM_UP_RUNS = 20;
    static final long MAX_WARM_UP_NANOS = 30_000_000_000L;
    /** A generation run allocating more than this a token is still warming up (compiled decoding allocates nothing). */
    static final long WARM_BYTES_PER_TOKEN = 256;

    /** One test's timings: tokens per second of each repetition. */
    public record Result(String test, int prompt, int gen, double[] tokensPerSecond, long[] nanos, long cpuNanos,
                         long allocatedBytes) {
        /**
         * Java heap bytes all threads allocated inside the timed part of the leanest repetition, per token
         * (-1 when the JVM cannot tell): decode should allocate nothing once warm. The leanest, because a
         * late JIT recompilation now and then runs a kernel interpreted, boxing its vectors, for a moment.
         */
        public double allocatedBytesPerToken() {
            return allocatedBytes < 0 ? -1 : (double) allocatedBytes / (prompt + gen);
        }

        /**
         * Tokens per second of CPU time the whole process used over the timed runs (-1 when the JVM cannot
         * tell). On a machine shared with other work it says what the code does per core, whatever share
         * of the cores it got; spinning worker threads count as used.
         */
        public double tokensPerCpuSecond() {
            return cpuNanos <= 0 ? -1 : (double) (prompt + gen) * tokensPerSecond.length * 1e9 / cpuNanos;
        }

        public double mean() {
            return Arrays.stream(tokensPerSecond).average().orElse(Double.NaN);
        }

        /** Sample standard deviation, as llama-bench reports it (0 for one repetition). */
        public double stddev() {
            int n = tokensPerSecond.length;
            if (n < 2) {
                return 0;
            }
            double m = mean();
            double s = 0;
            for (double v : tokensPerSecond) {
                s += (v - m) * (v - m);
            }
            return Math.sqrt(s / (n - 1));
        }

        public double median() {
            double[] sorted = tokensPerSecond.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        public double min() {
            return Arrays.stream(tokensPerSecond).min().orElse(Double.NaN);
        }

        public double max() {
            return Arrays.stream(tokensPerSecond).max().orElse(Double.NaN);
        }

        public double meanNanos() {
            return Arrays.stream(nanos).average().orElse(Double.NaN);
        }

        public double stddevNanos() {
            int n = nanos.length;
            if (n < 2) {
                return 0;
            }
            double m = meanNanos();
            double s = 0;
            for (long v : nanos) {
                s += (v - m) * (v - m);
            }
            return Math.sqrt(s / (n - 1));
        }
    }

    private final LanguageModel model;
    private final Kernels kernels;
    private final int bos;
    private final SplittableRandom random = new SplittableRandom(42);
    private long lastRunAllocation;

    public Benchmark(LanguageModel model, Kernels kernels, int bos) {
        this.model = model;
        this.kernels = kernels;
        this.bos = bos;
    }

    /** Prompt processing: {@code n} tokens through the model as one input, logits for the last. */
    public Result prompt(int n, int repetitions) {
        int[] tokens = new int[n];
        float[] logits = new float[model.config().vocabSize()];
        ModelState state = model.newState(n, kernels);
        return run("pp" + n, n, 0, repetitions, () -> {
            randomTokens(tokens);
            state.cache().truncate(0);
            long allocated = allocatedBytes();
            long start = System.nanoTime();
            model.forward(state, tokens, 0, n, 1, logits);
            long nanos = System.nanoTime() - start;
            lastRunAllocation = allocatedBytes() - allocated;
            return nanos;
        });
    }

    /** Text generation: {@code n} steps of one token each, logits every step. */
    public Result generate(int n, int repetitions) {
        int[] tokens = new int[n];
        float[] logits = new float[model.config().vocabSize()];
        ModelState state = model.newState(n, kernels);
        return run("tg" + n, 0, n, repetitions, () -> {
            randomTokens(tokens);
            tokens[0] = bos;
            state.cache().truncate(0);
            long allocated = allocatedBytes();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                model.forward(state, tokens, i, 1, 1, logits);
            }
            long nanos = System.nanoTime() - start;
            lastRunAllocation = allocatedBytes() - allocated;
            return nanos;
        });
    }

    private interface TimedRun {
        long nanos();
    }

    private Result run(String name, int prompt, int gen, int repetitions, TimedRun timed) {
        // Warm-up: JIT compilation and page faults happen here.
        long warm = 0;
        boolean compiled = true;
        boolean allocating = true;
        for (int run = 0; run == 0 || ((warm < WARM_UP_NANOS || compiled || allocating) && run < MAX_WARM_UP_RUNS
                && warm < MAX_WARM_UP_NANOS); run++) {
            long compiling = compilationMillis();
            warm += timed.nanos();
            compiled = compiling >= 0 && compilationMillis() != compiling;
            allocating = gen > 0 && lastRunAllocation > WARM_BYTES_PER_TOKEN * (prompt + gen);
        }
        double[] tps = new double[repetitions];
        long[] nanos = new long[repetitions];
        int tokens = prompt + gen;
        long cpuStart = processCpuNanos();
        long leanest = Long.MAX_VALUE;
        for (int r = 0; r < repetitions; r++) {
            nanos[r] = timed.nanos();
            tps[r] = tokens * 1e9 / nanos[r];
            leanest = Math.min(leanest, lastRunAllocation);
        }
        long cpu = cpuStart < 0 ? -1 : processCpuNanos() - cpuStart;
        long allocated = allocatedBytes() < 0 ? -1 : leanest;
        return new Result(name, prompt, gen, tps, nanos, cpu, allocated);
    }

    /** Milliseconds the JIT has spent compiling so far, or -1 when the JVM cannot tell. */
    private static long compilationMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** Heap bytes allocated so far by all live threads (the pool's workers included), or -1. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads.getTotalThreadAllocatedBytes();
        }
        return -1;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private void randomTokens(int[] tokens) {
        int vocab = model.config().vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(vocab);
        }
    }
}
