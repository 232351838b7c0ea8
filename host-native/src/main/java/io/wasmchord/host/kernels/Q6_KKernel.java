package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.SHORTS;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K weights (ql:u8[128], qh:u8[64], scales:i8[16], d:f16) against Q8_K activations. In each half of
 * 128 values, ql[l] and ql[32 + l] give the low four bits of values l, 32 + l (low nibbles) and
 * 64 + l, 96 + l (high nibbles); qh[l] gives their top two bits, two bits each.
 */
final class Q6_KKernel extends RowKernel {
    private static final int BYTES = 210;

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t) {
        int blocks = a.cols >> 8;
        short[] q = a.q;
        int qi = t * a.cols;
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(Simd.F);
        for (int b = 0; b < blocks; b++, qi += 256) {
            long p = offset + (long) b * BYTES;
            long scales = p + 192;
            IntVector isum = IntVector.zero(Simd.I);
            for (int h = 0; h < 2; h++) {
                for (int k = 0; k < 4; k++) {
                    // Values 128h + 32k + l: low bits from ql[64h + 32(k & 1) + l], nibble k / 2; top bits 2k of qh[32h + l].
                    int lowShift = 4 * (k >> 1);
                    for (int l = 0; l < 32; l += SHORTS) {
                        ShortVector low = Simd.bytes(w, p + 64 * h + 32 * (k & 1) + l).lanewise(VectorOperators.ASHR, lowShift).and((short) 0xF);
                        ShortVector top = Simd.bytes(w, p + 128 + 32 * h + l).lanewise(VectorOperators.ASHR, 2 * k).and((short) 3);
                        ShortVector v = low.or(top.lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
                        int run = 8 * h + 2 * k + (l >> 4);
                        isum = isum.add(Simd.pairSum(v.mul(Simd.shorts(q, qi + 128 * h + 32 * k + l))).mul(w.get(ValueLayout.JAVA_BYTE, scales + run)));
                    }
                }
            }
            acc = Simd.toFloat(isum).fma(FloatVector.broadcast(Simd.F, Simd.half(w, p + 208) * a.d[di + b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
