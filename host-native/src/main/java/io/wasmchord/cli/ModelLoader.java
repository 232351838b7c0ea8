package io.wasmchord.cli;

import io.wasmchord.generate.LoadedModel;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.kernels.HostKernels;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.model.ModelConfig;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** Opens a model file for the generating commands: memory-mapped, paged in with a progress bar when large. */
final class ModelLoader {
    /** Files at least this large are paged in up front, behind a progress bar. */
    private static final long PREFETCH_FROM = 256L << 20;
    private static final long PAGE = 4096;

    private ModelLoader() {
    }

    static LoadedModel load(String file, boolean quiet) throws IOException {
        long t0 = System.nanoTime();
        MappedFile mapped = MappedFile.open(Path.of(file));
        if (mapped.size() >= PREFETCH_FROM) {
            pageIn(mapped, !quiet);
        }
        LoadedModel loaded;
        try {
            loaded = LoadedModel.load(mapped);
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
        if (!quiet) {
            ModelConfig c = loaded.model().config();
            System.err.printf("chord: %s: %s, %d layers, dim %d, %d heads (%d kv), vocab %d, trained context %d; loaded in %.0f ms%n",
                    file, c.architecture().ggufName, c.blockCount(), c.embeddingLength(), c.headCount(), c.headCountKv(),
                    c.vocabSize(), c.contextLength(), (System.nanoTime() - t0) / 1e6);
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
