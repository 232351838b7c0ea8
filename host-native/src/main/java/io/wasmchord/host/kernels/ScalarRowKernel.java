package io.wasmchord.host.kernels;

import io.wasmchord.quant.BlockFormat;
import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Formats without a SIMD kernel: engine-common's reference dot on a copy of the row, still spread over the workers. */
final class ScalarRowKernel extends RowKernel {
    private final BlockFormat format;

    ScalarRowKernel(GgmlType type) {
        super(type);
        this.format = type.format();
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int rowBytes = (int) type.bytesFor(a.cols);
        byte[] row = s.bytes(rowBytes);
        MemorySegment.copy(w, ValueLayout.JAVA_BYTE, offset, row, 0, rowBytes);
        return format.dot(row, 0, a.raw, t * a.rowBytes, a.cols);
    }
}
