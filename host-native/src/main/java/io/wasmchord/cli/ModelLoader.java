package io.wasmchord.cli;

import io.wasmchord.generate.LoadedModel;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.kernels.HostKernels;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.io.ByteSource;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.model.ModelConfig;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a model file for the generating commands: memory-mapped (paged in with a progress bar when
 * large), or read into the heap when tiny.
 */
final class ModelLoader {
    /** Files at least this large are paged in up front, behind a progress bar. */
    private static final long PREFETCH_FROM = 256L << 20;
    private static final long PAGE = 4096;
    /**
     * Files smaller than this are read into the heap instead of mapped: for them, setting up the JVM's
     * foreign memory (Arena and its method handles, not in the AOT cache while the vector module is in
     * the boot layer) costs more on a cold start (~20 ms) than reading the bytes.
     */
    private static final long READ_BELOW = 8L << 20;

    private ModelLoader() {
    }

    static LoadedModel load(String file, boolean quiet) throws IOException {
        long t0 = System.nanoTime();
        Path path = Path.of(file);
        ByteSource source;
        if (Files.isRegularFile(path) && Files.size(path) < READ_BELOW) {
            source = new ByteArraySource(file, Files.readAllBytes(path));
        } else {
            MappedFile mapped = MappedFile.open(path);
            if (mapped.size() >= PREFETCH_FROM) {
                pageIn(mapped, !quiet);
            }
            source = mapped;
        }
        LoadedModel loaded;
        try {
            loaded = LoadedModel.load(source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        if (!quiet) {
            ModelConfig c = loaded.model().config();
            System.err.println("chord: " + file + ": " + c.architecture().ggufName + ", " + c.blockCount() + " layers, dim "
                    + c.embeddingLength() + ", " + c.headCount() + " heads (" + c.headCountKv() + " kv), vocab " + c.vocabSize()
                    + ", trained context " + c.contextLength() + "; loaded in " + Decimals.fixed((System.nanoTime() - t0) / 1e6, 0) + " ms");
        }
        return loaded;
    }

    /** The fastest kernels this JVM has, on {@code threads} threads (0: every core). */
    static Kernels kernels(int threads) {
        if (threads < 0) {
            throw new Args.UsageException("--threads must be 0 (every core) or more");
        }
        return HostKernels.create(threads == 0 ? HostKernels.defaultThreads() : threads);
    }

    /**
     * Kernels for generating with {@code loaded} in a context of {@code context} positions (0: the trained
     * one). Small models get the scalar reference kernels on the calling thread: Vector API code runs
     * far slower than plain scalar code until C2 has compiled it, which costs about a second of
     * CPU (measured on stories260K: 1.7-2.8 s for a 5-token prompt with the vector kernels, 50-150 ms
     * with the scalar ones, on the 2-core development VM under load). When even a full context of
     * tokens needs less weight work than {@link #SCALAR_WORK_LIMIT} multiply-adds (well under a second
     * of compiled scalar code), the vector kernels can never pay back their warm-up. System property
     * {@code chord.kernels} = {@code vector} or {@code scalar} overrides the choice.
     */
    static Kernels kernels(int threads, LoadedModel loaded, int context) {
        String forced = System.getProperty("chord.kernels", "auto");
        boolean scalar = switch (forced) {
            case "scalar" -> true;
            case "vector" -> false;
            case "auto" -> smallModel(loaded, context);
            default -> throw new Args.UsageException("-Dchord.kernels must be auto, vector or scalar, not \"" + forced + "\"");
        };
        if (scalar) {
            if (threads < 0) {
                throw new Args.UsageException("--threads must be 0 (every core) or more");
            }
            return new ScalarKernels();
        }
        return kernels(threads);
    }

    /** Weight work (multiply-adds) of a whole context below which the scalar kernels win: see {@link #kernels(int, LoadedModel, int)}. */
    static final long SCALAR_WORK_LIMIT = 500_000_000L;

    private static boolean smallModel(LoadedModel loaded, int context) {
        long weights = 0;
        for (GgufTensor t : loaded.gguf().tensors()) {
            weights += t.elementCount(); // an upper bound of the multiply-adds per token
        }
        long positions = context > 0 ? context : loaded.trainedContext();
        return weights * positions < SCALAR_WORK_LIMIT;
    }

    /** Stops the worker threads of kernels that have them. */
    static void release(Kernels kernels) throws Exception {
        if (kernels instanceof AutoCloseable c) {
            c.close();
        }
    }

    static final String THREADS_HELP = "  -t, --threads N      compute threads (default 0: every core)\n";

    /** Touches every page so the first tokens do not wait on disk; the progress shows on a terminal. */
    private static void pageIn(MappedFile mapped, boolean show) {
        long size = mapped.size();
        ProgressBar bar = new ProgressBar(size, show);
        bar.label("loading " + Path.of(mapped.name()).getFileName());
        long step = 16L << 20;
        int sink = 0;
        for (long start = 0; start < size; start += step) {
            long end = Math.min(size, start + step);
            for (long p = start; p < end; p += PAGE) {
                sink += mapped.segment().get(ValueLayout.JAVA_BYTE, p);
            }
            bar.advance(end - start);
        }
        bar.finish();
        if (sink == 42) {
            System.err.print(""); // keeps the reads from being optimised away
        }
    }

}
