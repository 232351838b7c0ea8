package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.B_HALF;
import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.I;
import static io.wasmchord.host.kernels.Simd.LE;
import static io.wasmchord.host.kernels.Simd.S;
import static io.wasmchord.host.kernels.Simd.SHORTS;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q5_K weights (d:f16, dmin:f16, scales and mins packed as Q4_K's, qh:u8[32], qs:u8[128]) against Q8_K
 * activations: Q4_K's layout plus a fifth bit per value, bit {@code run} of qh[l] for value l of run
 * {@code run}. Minimums go through the activations' sums of 16.
 */
final class Q5_KKernel extends RowKernel {
    private static final int BYTES = 176;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    Q5_KKernel() {
        super(GgmlType.Q5_K);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int blocks = a.cols >> 8;
        short[] q = a.q;
        int[] sums = a.sums32;
        int q0 = t * a.cols;
        int s0 = t * (a.cols >> 5);
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(F);
        float minTotal = 0;
        for (int b = 0; b < blocks; b++) {
            // Indices affine in b let C2 hoist the range checks out of the loop.
            int qi = q0 + 256 * b;
            int si = s0 + 8 * b;
            long p = offset + (long) b * BYTES;
            int u0 = w.get(INT, p + 4);
            int u1 = w.get(INT, p + 8);
            int u2 = w.get(INT, p + 12);
            long scales = Simd.kScales(u0, u2);
            long mins = Simd.kMins(u1, u2);
            int minSum = Simd.kMinSum(mins, sums, si);
            IntVector isum = IntVector.zero(I);
            for (int pair = 0; pair < 4; pair++) {
                long qs = p + 48 + 32 * pair;
                int qa = qi + 64 * pair;
                // |value * a| <= 3937: a lane takes at most 4 of the run's 32 products (at 128 bits; 1 at 512), 15,748.
                ShortVector lowAcc = ShortVector.zero(S);
                ShortVector highAcc = ShortVector.zero(S);
                for (int j = 0; j < 32; j += SHORTS) {
                    ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, qs + j, LE).convertShape(B2S, S, 0);
                    ShortVector qh = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, p + 16 + j, LE).convertShape(B2S, S, 0);
                    ShortVector low = packed.and((short) 0xF).or(qh.lanewise(ASHR, 2 * pair).and((short) 1).lanewise(LSHL, 4));
                    ShortVector high = packed.lanewise(ASHR, 4).and((short) 0xF).or(qh.lanewise(ASHR, 2 * pair + 1).and((short) 1).lanewise(LSHL, 4));
                    lowAcc = lowAcc.add(low.mul(ShortVector.fromArray(S, q, qa + j)));
                    highAcc = highAcc.add(high.mul(ShortVector.fromArray(S, q, qa + 32 + j)));
                }
                int scLow = (int) (scales >>> (16 * pair));
                IntVector lo = lowAcc.reinterpretAsInts();
                IntVector hi = highAcc.reinterpretAsInts();
                isum = isum.add(lo.lanewise(LSHL, 16).lanewise(ASHR, 16).add(lo.lanewise(ASHR, 16)).mul(scLow & 0xFF))
                        .add(hi.lanewise(LSHL, 16).lanewise(ASHR, 16).add(hi.lanewise(ASHR, 16)).mul((scLow >>> 8) & 0xFF));
            }
            float dy = a.d[di + b];
            acc = ((FloatVector) isum.convert(I2F, 0)).fma(FloatVector.broadcast(F, Simd.half(w, p) * dy), acc);
            minTotal += Simd.half(w, p + 2) * dy * minSum;
        }
        return acc.reduceLanes(ADD) - minTotal;
    }
}
