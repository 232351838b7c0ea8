package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.SHORTS;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 weights (d:f16, qs:u8[16]; byte j holds value j low and j + 16 high, value = nibble - 8) against
 * Q8_0 activations.
 */
final class Q4_0Kernel extends RowKernel {
    private static final int BYTES = 18;

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
            for (int j = 0; j < 16; j += SHORTS) {
                ShortVector packed = Simd.bytes(w, p + j);
                ShortVector low = packed.and((short) 0xF).sub((short) 8);
                ShortVector high = packed.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8);
                ShortVector products = low.mul(Simd.shorts(q, qi + j)).add(high.mul(Simd.shorts(q, qi + 16 + j)));
                sum = sum.add(Simd.pairSum(products));
            }
            float scale = Simd.half(w, p - 2) * d[di + b];
            acc = Simd.toFloat(sum).fma(FloatVector.broadcast(Simd.F, scale), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
