package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.FLOATS;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * F16 weights against activations rounded to fp16 (each product exact in float, as in ggml). The row is
 * converted to floats in the worker's scratch first, then dotted.
 */
final class F16Kernel extends RowKernel {
    F16Kernel() {
        super(GgmlType.F16);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int n = a.cols;
        int whole = n - n % FLOATS;
        float[] row = s.floats(n);
        Simd.halvesToFloats(w, offset, row, 0, whole);
        float[] x = a.f;
        int xi = t * n;
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector acc1 = FloatVector.zero(Simd.F);
        int i = 0;
        for (; i + 2 * FLOATS <= whole; i += 2 * FLOATS) {
            acc0 = FloatVector.fromArray(Simd.F, row, i).fma(FloatVector.fromArray(Simd.F, x, xi + i), acc0);
            acc1 = FloatVector.fromArray(Simd.F, row, i + FLOATS).fma(FloatVector.fromArray(Simd.F, x, xi + i + FLOATS), acc1);
        }
        for (; i < whole; i += FLOATS) {
            acc0 = FloatVector.fromArray(Simd.F, row, i).fma(FloatVector.fromArray(Simd.F, x, xi + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Simd.half(w, offset + 2L * i) * x[xi + i];
        }
        return sum;
    }

    @Override
    void dequantize(MemorySegment w, long offset, int cols, float[] dst, int at, Scratch s) {
        int whole = cols - cols % FLOATS;
        Simd.halvesToFloats(w, offset, dst, at, whole);
        for (int i = whole; i < cols; i++) {
            dst[at + i] = Simd.half(w, offset + 2L * i);
        }
    }
}
