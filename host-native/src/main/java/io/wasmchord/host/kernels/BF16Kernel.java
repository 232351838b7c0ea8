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
}
