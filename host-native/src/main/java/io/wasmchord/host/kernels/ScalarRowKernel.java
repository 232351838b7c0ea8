package io.wasmchord.host.kernels;

import io.wasmchord.quant.BlockFormat;
import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Formats without a SIMD kernel: engine-common's reference dot on a copy of the row, still spread over
 * the worker threads. Each thread keeps its own copy buffer, grown once.
 */
final class ScalarRowKernel extends RowKernel {
    private static final ThreadLocal<byte[][]> ROW = ThreadLocal.withInitial(() -> new byte[][] {new byte[0]});

    private final GgmlType type;
    private final BlockFormat format;

    ScalarRowKernel(GgmlType type) {
        this.type = type;
        this.format = type.format();
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t) {
        int rowBytes = (int) type.bytesFor(a.cols);
        byte[][] holder = ROW.get();
        if (holder[0].length < rowBytes) {
            holder[0] = new byte[rowBytes];
        }
        byte[] row = holder[0];
        MemorySegment.copy(w, ValueLayout.JAVA_BYTE, offset, row, 0, rowBytes);
        return format.dot(row, 0, a.raw, t * a.rowBytes, a.cols);
    }
}
