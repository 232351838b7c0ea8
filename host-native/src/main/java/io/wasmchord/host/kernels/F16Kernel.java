package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.FLOATS;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** F16 weights against activations rounded to fp16 (each product exact in float, as in ggml). */
final class F16Kernel extends RowKernel {
    @Override
    float dot(MemorySegment w, long offset, Activations a, int t) {
        int n = a.cols;
        float[] x = a.f;
        int xi = t * n;
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector acc1 = FloatVector.zero(Simd.F);
        int i = 0;
        for (; i + 2 * FLOATS <= n; i += 2 * FLOATS) {
            acc0 = Simd.halves(w, offset + 2L * i).fma(FloatVector.fromArray(Simd.F, x, xi + i), acc0);
            acc1 = Simd.halves(w, offset + 2L * (i + FLOATS)).fma(FloatVector.fromArray(Simd.F, x, xi + i + FLOATS), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Simd.half(w, offset + 2L * i) * x[xi + i];
        }
        return sum;
    }
}
