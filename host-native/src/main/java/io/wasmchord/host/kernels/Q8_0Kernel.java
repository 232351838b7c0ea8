package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.SHORTS;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** Q8_0 weights (d:f16, qs:i8[32]) against Q8_0 activations. */
final class Q8_0Kernel extends RowKernel {
    private static final int BYTES = 34;

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t) {
        int blocks = a.cols >> 5;
        short[] q = a.q;
        float[] d = a.d;
        int qi = t * a.cols;
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int b = 0; b < blocks; b++, qi += 32) {
            long p = offset + (long) b * BYTES + 2;
            IntVector sum = IntVector.zero(Simd.I);
            for (int j = 0; j < 32; j += 2 * SHORTS) {
                ShortVector products = Simd.bytes(w, p + j).mul(Simd.shorts(q, qi + j))
                        .add(Simd.bytes(w, p + j + SHORTS).mul(Simd.shorts(q, qi + j + SHORTS)));
                sum = sum.add(Simd.pairSum(products));
            }
            float scale = Simd.half(w, p - 2) * d[di + b];
            acc = Simd.toFloat(sum).fma(FloatVector.broadcast(Simd.F, scale), acc);
        }
        return acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
