package io.wasmchord.host;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.quantize.QuantizePlan;
import io.wasmchord.quantize.TensorChunks;
import io.wasmchord.quantize.TensorEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Converts a tensor's row chunks on several threads and writes them in order. At most two chunks
 * per thread are in flight, so memory stays at a few chunks whatever the tensor's size.
 */
public final class ParallelTensorEncoder implements TensorEncoder, AutoCloseable {
    private final int threads;
    private final ExecutorService pool;
    private final ProgressListener progress;

    public ParallelTensorEncoder(int threads, ProgressListener progress) {
        this.threads = Math.max(1, threads);
        this.progress = progress;
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "quantize");
            t.setDaemon(true);
            return t;
        });
    }

    private record Done(TensorChunks.Buffers buffers, int length, long inputBytes) {
    }

    @Override
    public void encode(GgufFile in, QuantizePlan.Item item, OutputStream out) throws IOException {
        TensorChunks chunks = TensorChunks.of(item);
        ConcurrentLinkedQueue<TensorChunks.Buffers> spare = new ConcurrentLinkedQueue<>();
        ArrayDeque<Future<Done>> inFlight = new ArrayDeque<>();
        int next = 0;
        try {
            while (next < chunks.count() || !inFlight.isEmpty()) {
                while (next < chunks.count() && inFlight.size() < 2 * threads) {
                    int c = next++;
                    inFlight.add(pool.submit(() -> {
                        TensorChunks.Buffers b = spare.poll();
                        if (b == null) {
                            b = chunks.newBuffers();
                        }
                        return new Done(b, chunks.encode(in, c, b), chunks.inputBytes(c));
                    }));
                }
                Done d = inFlight.removeFirst().get();
                out.write(d.buffers().output(), 0, d.length());
                spare.add(d.buffers());
                progress.advanced(d.inputBytes());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while quantizing " + item.source().name(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } finally {
            for (Future<Done> f : inFlight) {
                f.cancel(true);
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
