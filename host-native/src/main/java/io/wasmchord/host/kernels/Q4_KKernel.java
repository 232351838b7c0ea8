package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.B_HALF;
import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.I;
import static io.wasmchord.host.kernels.Simd.LE;
import static io.wasmchord.host.kernels.Simd.S;
import static io.wasmchord.host.kernels.Simd.SHORTS;
import static io.wasmchord.host.kernels.Simd.S_VECTOR;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q4_K weights (d:f16, dmin:f16, 6-bit scales and mins packed in 12 bytes, qs:u8[128]) against Q8_K
 * activations. Runs 2i and 2i + 1 are the low and high nibbles of qs[32i, 32i + 32); the minimums are
 * applied through the activations' sums of 32 (runs of 16 paired), as llama.cpp does.
 */
final class Q4_KKernel extends RowKernel {
    private static final int BYTES = 144;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    Q4_KKernel() {
        super(GgmlType.Q4_K);
    }

    @Override
    InterleavedKernel interleaved(int rows) {
        return new Q4_Kx8Kernel(this, rows);
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
                long qs = p + 16 + 32 * pair;
                int qa = qi + 64 * pair;
                // |nibble * a| <= 1905: the 32 values of a run fit two products per 16-bit lane.
                ShortVector lowAcc = ShortVector.zero(S);
                ShortVector highAcc = ShortVector.zero(S);
                for (int j = 0; j < 32; j += SHORTS) {
                    ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, qs + j, LE).convertShape(B2S, S, 0);
                    lowAcc = packed.and((short) 0xF).mul(ShortVector.fromArray(S, q, qa + j)).add(lowAcc);
                    highAcc = packed.lanewise(ASHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S, q, qa + 32 + j)).add(highAcc);
                }
                int scLow = (int) (scales >>> (16 * pair));
                IntVector lo = S_VECTOR.cast(lowAcc).reinterpretAsInts();
                IntVector hi = S_VECTOR.cast(highAcc).reinterpretAsInts();
                isum = lo.lanewise(LSHL, 16).lanewise(ASHR, 16).add(lo.lanewise(ASHR, 16)).mul(scLow & 0xFF)
                        .add(hi.lanewise(LSHL, 16).lanewise(ASHR, 16).add(hi.lanewise(ASHR, 16)).mul((scLow >>> 8) & 0xFF))
                        .add(isum);
            }
            float dy = a.d[di + b];
            acc = ((FloatVector) isum.convertShape(I2F, F, 0)).fma(FloatVector.broadcast(F, Simd.half(w, p) * dy), acc);
            minTotal += Simd.half(w, p + 2) * dy * minSum;
        }
        return acc.reduceLanes(ADD) - minTotal;
    }

    @Override
    void dequantize(MemorySegment w, long offset, int cols, float[] dst, int at, Scratch s) {
        for (int b = 0; b < cols >> 8; b++, at += 256) {
            long p = offset + (long) b * BYTES;
            float d = Simd.half(w, p);
            float dmin = Simd.half(w, p + 2);
            int u0 = w.get(INT, p + 4);
            int u1 = w.get(INT, p + 8);
            int u2 = w.get(INT, p + 12);
            long scales = Simd.kScales(u0, u2);
            long mins = Simd.kMins(u1, u2);
            for (int pair = 0; pair < 4; pair++) {
                long qs = p + 16 + 32 * pair;
                int sc = (int) (scales >>> (16 * pair));
                int m = (int) (mins >>> (16 * pair));
                float scaleLow = d * (sc & 0xFF);
                float scaleHigh = d * ((sc >>> 8) & 0xFF);
                float minLow = dmin * (m & 0xFF);
                float minHigh = dmin * ((m >>> 8) & 0xFF);
                int o = at + 64 * pair;
                for (int j = 0; j < 32; j += SHORTS) {
                    ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, qs + j, LE).convertShape(B2S, S, 0);
                    ShortVector low = packed.and((short) 0xF);
                    ShortVector high = packed.lanewise(ASHR, 4).and((short) 0xF);
                    for (int part = 0; part < 2; part++) {
                        int k = j + part * Simd.FLOATS;
                        ((FloatVector) low.convertShape(S2I, I, part).convert(I2F, 0)).mul(scaleLow).sub(minLow).intoArray(dst, o + k);
                        ((FloatVector) high.convertShape(S2I, I, part).convert(I2F, 0)).mul(scaleHigh).sub(minHigh).intoArray(dst, o + 32 + k);
                    }
                }
            }
        }
    }
}
