package io.wasmchord.host.kernels;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One weight format's work on a weight row read in place: its dot product with one encoded activation
 * row (the mat-vec of decoding, integer dots against quantized activations as llama.cpp does), and its
 * expansion to floats (the weight tiles of the prefill mat-mat, {@link GemmJob}).
 */
abstract class RowKernel {
    final GgmlType type;

    RowKernel(GgmlType type) {
        this.type = type;
    }

    /**
     * This format's kernel for one matrix of {@code rows} rows repacked at load into groups of rows read
     * together ({@link InterleavedKernel}), or null where the file's layout is kept.
     */
    InterleavedKernel interleaved(int rows) {
        return null;
    }

    /** Dot of the row at byte {@code offset} of {@code w} ({@code a.cols} values) with activation row {@code t}. */
    abstract float dot(MemorySegment w, long offset, Activations a, int t, Scratch s);

    /**
     * Rows {@code [from, to)} of {@code w} ({@code rowBytes} apart) against activation rows {@code 0 .. n - 1},
     * row r and activation row t into {@code out[t * stride + r]}, each exactly as {@link #dot} gives it. A
     * format may override it to read each weight vector once for several activation rows.
     */
    void dotRows(MemorySegment w, long rowBytes, int from, int to, Activations a, int n, float[] out, int stride, Scratch s) {
        for (int r = from; r < to; r++) {
            for (int t = 0; t < n; t++) {
                out[t * stride + r] = dot(w, r * rowBytes, a, t, s);
            }
        }
    }

    /**
     * The row at byte {@code offset} as {@code cols} floats in {@code dst} from {@code at}: the reference
     * dequantizer on a copy of the row, unless the format has a vector version. Runs once per row per
     * batch, so its cost is shared by every token of the batch.
     */
    void dequantize(MemorySegment w, long offset, int cols, float[] dst, int at, Scratch s) {
        int rowBytes = (int) type.bytesFor(cols);
        byte[] row = s.bytes(rowBytes);
        MemorySegment.copy(w, ValueLayout.JAVA_BYTE, offset, row, 0, rowBytes);
        type.format().dequantize(row, 0, dst, at, cols);
    }
}
