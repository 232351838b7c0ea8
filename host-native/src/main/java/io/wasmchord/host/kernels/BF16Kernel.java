package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.FLOATS;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** BF16 weights against activations rounded to bf16: a bfloat16 is the top half of a float. */
final class BF16Kernel extends RowKernel {
    BF16Kernel() {
        super(io.wasmchord.quant.GgmlType.BF16);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int n = a.cols;
        float[] x = a.f;
        int xi = t * n;
        FloatVector acc = FloatVector.zero(Simd.F);
        int i = 0;
        for (; i + FLOATS <= n; i += FLOATS) {
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(Simd.S_HALF, w, offset + 2L * i, Simd.LE)
                    .convertShape(VectorOperators.S2I, Simd.I, 0);
            acc = bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(Simd.F, x, xi + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Float.intBitsToFloat(w.get(Simd.HALF, offset + 2L * i) << 16) * x[xi + i];
        }
        return sum;
    }

    /**
     * Batches (prefill) run here rather than in the float mat-mat, four activation rows a pass: each
     * weight vector is loaded and widened once for the four, and each result is the one {@link #dot} gives
     * (column k summed in lane k mod the width, the lanes added at the end), which is how llama.cpp's
     * batched BF16 (tinyBLAS) sums too. The mat-mat's one chain per output put synthK-A-BF16's perplexity
     * 0.102% from llama.cpp's (tolerance 0.1%); this order, 0.027% (session 14).
     */
    @Override
    void dotRows(MemorySegment w, long rowBytes, int from, int to, Activations a, int n, float[] out, int stride, Scratch s) {
        int cols = a.cols;
        float[] x = a.f;
        int t = 0;
        // Four activation rows (in L1) against the part's rows two at a time, the weights streaming past.
        for (; t + 4 <= n; t += 4) {
            int r = from;
            for (; r + 2 <= to; r += 2) {
                twoRowsFourTokens(w, r * rowBytes, (r + 1) * rowBytes, x, t * cols, cols, out, t * stride + r, stride);
            }
            for (; r < to; r++) {
                for (int k = t; k < t + 4; k++) {
                    out[k * stride + r] = dot(w, r * rowBytes, a, k, s);
                }
            }
        }
        for (; t < n; t++) {
            for (int r = from; r < to; r++) {
                out[t * stride + r] = dot(w, r * rowBytes, a, t, s);
            }
        }
    }

    /**
     * Weight rows at {@code w0} and {@code w1} against activation rows from {@code x[x0]} ({@code cols} apart),
     * four of them, into {@code out[at + k * stride]} (row w0) and {@code out[at + k * stride + 1]} (row w1).
     */
    private static void twoRowsFourTokens(MemorySegment w, long w0, long w1, float[] x, int x0, int cols, float[] out,
                                          int at, int stride) {
        FloatVector a0 = FloatVector.zero(Simd.F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int i = 0;
        for (; i + FLOATS <= cols; i += FLOATS) {
            FloatVector u = Simd.F_VECTOR.cast(Simd.I_VECTOR.cast(ShortVector.fromMemorySegment(Simd.S_HALF, w, w0 + 2L * i, Simd.LE)
                    .convertShape(VectorOperators.S2I, Simd.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretShape(Simd.F, 0));
            FloatVector v = Simd.F_VECTOR.cast(Simd.I_VECTOR.cast(ShortVector.fromMemorySegment(Simd.S_HALF, w, w1 + 2L * i, Simd.LE)
                    .convertShape(VectorOperators.S2I, Simd.I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretShape(Simd.F, 0));
            FloatVector x0v = FloatVector.fromArray(Simd.F, x, x0 + i);
            a0 = u.fma(x0v, a0);
            b0 = v.fma(x0v, b0);
            FloatVector x1v = FloatVector.fromArray(Simd.F, x, x0 + cols + i);
            a1 = u.fma(x1v, a1);
            b1 = v.fma(x1v, b1);
            FloatVector x2v = FloatVector.fromArray(Simd.F, x, x0 + 2 * cols + i);
            a2 = u.fma(x2v, a2);
            b2 = v.fma(x2v, b2);
            FloatVector x3v = FloatVector.fromArray(Simd.F, x, x0 + 3 * cols + i);
            a3 = u.fma(x3v, a3);
            b3 = v.fma(x3v, b3);
        }
        float s0 = Simd.F_VECTOR.cast(a0).reduceLanes(VectorOperators.ADD);
        float s1 = Simd.F_VECTOR.cast(a1).reduceLanes(VectorOperators.ADD);
        float s2 = Simd.F_VECTOR.cast(a2).reduceLanes(VectorOperators.ADD);
        float s3 = Simd.F_VECTOR.cast(a3).reduceLanes(VectorOperators.ADD);
        float t0 = Simd.F_VECTOR.cast(b0).reduceLanes(VectorOperators.ADD);
        float t1 = Simd.F_VECTOR.cast(b1).reduceLanes(VectorOperators.ADD);
        float t2 = Simd.F_VECTOR.cast(b2).reduceLanes(VectorOperators.ADD);
        float t3 = Simd.F_VECTOR.cast(b3).reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            float u = Float.intBitsToFloat(w.get(Simd.HALF, w0 + 2L * i) << 16);
            float v = Float.intBitsToFloat(w.get(Simd.HALF, w1 + 2L * i) << 16);
            s0 += u * x[x0 + i];
            s1 += u * x[x0 + cols + i];
            s2 += u * x[x0 + 2 * cols + i];
            s3 += u * x[x0 + 3 * cols + i];
            t0 += v * x[x0 + i];
            t1 += v * x[x0 + cols + i];
            t2 += v * x[x0 + 2 * cols + i];
            t3 += v * x[x0 + 3 * cols + i];
        }
        out[at] = s0;
        out[at + stride] = s1;
        out[at + 2 * stride] = s2;
        out[at + 3 * stride] = s3;
        out[at + 1] = t0;
        out[at + stride + 1] = t1;
        out[at + 2 * stride + 1] = t2;
        out[at + 3 * stride + 1] = t3;
    }
}
