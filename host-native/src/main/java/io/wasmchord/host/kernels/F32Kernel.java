package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.FLOATS;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** F32 weights against F32 activations. */
final class F32Kernel extends RowKernel {
    F32Kernel() {
        super(io.wasmchord.quant.GgmlType.F32);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int n = a.cols;
        float[] x = a.f;
        int xi = t * n;
        FloatVector acc0 = FloatVector.zero(Simd.F);
        FloatVector acc1 = FloatVector.zero(Simd.F);
        int i = 0;
        for (; i + 2 * FLOATS <= n; i += 2 * FLOATS) {
            acc0 = FloatVector.fromMemorySegment(Simd.F, w, offset + 4L * i, Simd.LE).fma(FloatVector.fromArray(Simd.F, x, xi + i), acc0);
            acc1 = FloatVector.fromMemorySegment(Simd.F, w, offset + 4L * (i + FLOATS), Simd.LE)
                    .fma(FloatVector.fromArray(Simd.F, x, xi + i + FLOATS), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += w.get(Simd.FLOAT, offset + 4L * i) * x[xi + i];
        }
        return sum;
    }
}
