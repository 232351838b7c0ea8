package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd16.B_HALF;
import static io.wasmchord.host.kernels.Simd16.F;
import static io.wasmchord.host.kernels.Simd16.I;
import static io.wasmchord.host.kernels.Simd.LE;
import static io.wasmchord.host.kernels.Simd16.S;
import static io.wasmchord.host.kernels.Simd16.SHORTS;
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
 * Q2_K weights (scales:u8[16] with scale low and min high, qs:u8[64], d:f16, dmin:f16) against Q8_K
 * activations. Run r (16 values) takes two bits at shift 2((r/2) mod 4) of qs[32(r/8) + 16(r mod 2) + l];
 * the minimums go through the activations' sums of 16.
 */
final class Q2_KKernel extends RowKernel {
    private static final int BYTES = 84;

    Q2_KKernel() {
        super(GgmlType.Q2_K);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int blocks = a.cols >> 8;
        short[] q = a.q;
        int[] sums = a.sums16;
        int q0 = t * a.cols;
        int s0 = t * (a.cols >> 4);
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(F);
        float minTotal = 0;
        for (int b = 0; b < blocks; b++) {
            // Indices affine in b let C2 hoist the range checks out of the loop.
            int qi = q0 + 256 * b;
            int si = s0 + 16 * b;
            long p = offset + (long) b * BYTES;
            IntVector isum = IntVector.zero(I);
            int minSum = 0;
            for (int run = 0; run < 16; run++) {
                int sc = w.get(ValueLayout.JAVA_BYTE, p + run) & 0xFF;
                minSum += sums[si + run] * (sc >> 4);
                long qs = p + 16 + 32 * (run >> 3) + 16 * (run & 1);
                int shift = 2 * ((run >> 1) & 3);
                for (int l = 0; l < 16; l += SHORTS) {
                    ShortVector v = ((ShortVector) ByteVector.fromMemorySegment(B_HALF, w, qs + l, LE).convertShape(B2S, S, 0))
                            .lanewise(ASHR, shift).and((short) 3);
                    IntVector x = v.mul(ShortVector.fromArray(S, q, qi + 16 * run + l)).reinterpretAsInts();
                    isum = isum.add(x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).mul(sc & 0xF));
                }
            }
            float dy = a.d[di + b];
            acc = ((FloatVector) isum.convert(I2F, 0)).fma(FloatVector.broadcast(F, Simd.half(w, p + 80) * dy), acc);
            minTotal += dy * Simd.half(w, p + 82) * minSum;
        }
        return acc.reduceLanes(ADD) - minTotal;
    }
}
