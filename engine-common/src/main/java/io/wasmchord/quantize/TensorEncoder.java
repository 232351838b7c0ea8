package io.wasmchord.quantize;

import io.wasmchord.gguf.GgufFile;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one planned tensor's output bytes. {@link #sequential} works everywhere; the JVM host
 * supplies a multi-threaded one.
 */
public interface TensorEncoder {
    void encode(GgufFile in, QuantizePlan.Item item, OutputStream out) throws IOException;

    /** Row chunks one after the other on the calling thread; memory: one chunk. */
    static TensorEncoder sequential(ProgressListener progress) {
        return (in, item, out) -> {
            TensorChunks chunks = TensorChunks.of(item);
            TensorChunks.Buffers buffers = chunks.newBuffers();
            for (int c = 0; c < chunks.count(); c++) {
                int n = chunks.encode(in, c, buffers);
                out.write(buffers.output(), 0, n);
                progress.advanced(chunks.inputBytes(c));
            }
        };
    }

    /** Told how many input bytes have been processed since the last call. */
    interface ProgressListener {
        ProgressListener NONE = bytes -> { };

        void advanced(long inputBytes);
    }
}
