package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.SHORTS;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K weights (d:f16, dmin:f16, 6-bit scales and mins packed in 12 bytes, qs:u8[128]) against Q8_K
 * activations. Runs 2i and 2i + 1 are the low and high nibbles of qs[32i, 32i + 32); the minimums are
 * applied through the activations' sums of 16, as llama.cpp does.
 */
final class Q4_KKernel extends RowKernel {
    private static final int BYTES = 144;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(Simd.LE);

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t) {
        int blocks = a.cols >> 8;
        short[] q = a.q;
        int[] sums = a.sums16;
        int qi = t * a.cols;
        int si = t * (a.cols >> 4);
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(Simd.F);
        float minTotal = 0;
        for (int b = 0; b < blocks; b++, qi += 256, si += 16) {
            long p = offset + (long) b * BYTES;
            int u0 = w.get(INT, p + 4);
            int u1 = w.get(INT, p + 8);
            int u2 = w.get(INT, p + 12);
            // Unpack the 6-bit fields as ggml does: scales in bytes of sc0/sc1, mins in bytes of m0/m1.
            int sc0 = u0 & 0x3F3F3F3F;
            int sc1 = (u2 & 0x0F0F0F0F) | (((u0 >>> 6) & 0x03030303) << 4);
            int m0 = u1 & 0x3F3F3F3F;
            int m1 = ((u2 >>> 4) & 0x0F0F0F0F) | (((u1 >>> 6) & 0x03030303) << 4);
            IntVector isum = IntVector.zero(Simd.I);
            int minSum = 0;
            for (int pair = 0; pair < 4; pair++) {
                long qs = p + 16 + 32 * pair;
                int qa = qi + 64 * pair;
                ShortVector lowAcc = ShortVector.zero(Simd.S);
                ShortVector highAcc = ShortVector.zero(Simd.S);
                for (int j = 0; j < 32; j += SHORTS) {
                    ShortVector packed = Simd.bytes(w, qs + j);
                    lowAcc = lowAcc.add(packed.and((short) 0xF).mul(Simd.shorts(q, qa + j)));
                    highAcc = highAcc.add(packed.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).mul(Simd.shorts(q, qa + 32 + j)));
                }
                int scLow = pair < 2 ? sc0 >>> (16 * pair) : sc1 >>> (16 * (pair - 2));
                int mLow = pair < 2 ? m0 >>> (16 * pair) : m1 >>> (16 * (pair - 2));
                isum = isum.add(Simd.pairSum(lowAcc).mul(scLow & 0xFF)).add(Simd.pairSum(highAcc).mul((scLow >>> 8) & 0xFF));
                int g = si + 4 * pair;
                minSum += (mLow & 0xFF) * (sums[g] + sums[g + 1]) + ((mLow >>> 8) & 0xFF) * (sums[g + 2] + sums[g + 3]);
            }
            float dy = a.d[di + b];
            acc = Simd.toFloat(isum).fma(FloatVector.broadcast(Simd.F, Simd.half(w, p) * dy), acc);
            minTotal += Simd.half(w, p + 2) * dy * minSum;
        }
        return acc.reduceLanes(VectorOperators.ADD) - minTotal;
    }
}
