package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd16.B_HALF;
import static io.wasmchord.host.kernels.Simd16.F;
import static io.wasmchord.host.kernels.Simd16.I;
import static io.wasmchord.host.kernels.Simd.LANE_BITS;
import static io.wasmchord.host.kernels.Simd.LE;
import static io.wasmchord.host.kernels.Simd16.S;
import static io.wasmchord.host.kernels.Simd16.SHORTS;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.NE;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q5_1 weights (d:f16, m:f16, qh:u32, qs:u8[16]; value = d * (nibble + 16 * bit of qh) + m) against
 * Q8_1 activations, the minimums through their stored block sums.
 */
final class Q5_1Kernel extends RowKernel {
    private static final int BYTES = 24;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    Q5_1Kernel() {
        super(GgmlType.Q5_1);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int blocks = a.cols >> 5;
        short[] q = a.q;
        float[] d = a.d;
        int q0 = t * a.cols;
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(F);
        float minTotal = 0;
        for (int b = 0; b < blocks; b++) {
            // Indices affine in b let C2 hoist the range checks out of the loop.
            int qi = q0 + 32 * b;
            long p = offset + (long) b * BYTES;
            int qh = w.get(INT, p + 4);
            ShortVector lowBits = ShortVector.broadcast(S, (short) qh);
            ShortVector highBits = ShortVector.broadcast(S, (short) (qh >>> 16));
            IntVector sum = IntVector.zero(I);
            for (int j = 0; j < 16; j += SHORTS) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, p + 8 + j, LE).convertShape(B2S, S, 0);
                ShortVector low = packed.and((short) 0xF);
                ShortVector high = packed.lanewise(ASHR, 4).and((short) 0xF);
                // Bit j of qh is the fifth bit of value j, bit j + 16 that of value j + 16.
                ShortVector bits = ShortVector.fromArray(S, LANE_BITS, j);
                low = low.add((short) 16, lowBits.and(bits).compare(NE, 0));
                high = high.add((short) 16, highBits.and(bits).compare(NE, 0));
                IntVector x = low.mul(ShortVector.fromArray(S, q, qi + j))
                        .add(high.mul(ShortVector.fromArray(S, q, qi + 16 + j))).reinterpretAsInts();
                sum = sum.add(x.lanewise(LSHL, 16).lanewise(ASHR, 16)).add(x.lanewise(ASHR, 16));
            }
            float scale = Simd.half(w, p) * d[di + b];
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F, scale), acc);
            minTotal += Simd.half(w, p + 2) * a.s[di + b];
        }
        return acc.reduceLanes(ADD) + minTotal;
    }
}
