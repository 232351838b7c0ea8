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
                for (int l = 0; l < 32; l += SHORTS) {
                    ShortVector qlA = Simd.bytes(w, p + 64 * h + l);
                    ShortVector qlB = Simd.bytes(w, p + 64 * h + 32 + l);
                    ShortVector qh = Simd.bytes(w, p + 128 + 32 * h + l);
                    int qa = qi + 128 * h + l;
                    int run = 8 * h + (l >> 4);
                    isum = isum.add(run(qlA.and((short) 0xF), qh.and((short) 3), q, qa, w, scales + run));
                    isum = isum.add(run(qlB.and((short) 0xF), qh.lanewise(VectorOperators.ASHR, 2).and((short) 3), q, qa + 32, w, scales + run + 2));
                    isum = isum.add(run(qlA.lanewise(VectorOperators.ASHR, 4).and((short) 0xF),
                            qh.lanewise(VectorOperators.ASHR, 4).and((short) 3), q, qa + 64, w, scales + run + 4));
                    isum = isum.add(run(qlB.lanewise(VectorOperators.ASHR, 4).and((short) 0xF),
                            qh.lanewise(VectorOperators.ASHR, 6).and((short) 3), q, qa + 96, w, scales + run + 6));
                }
            }
            acc = Simd.toFloat(isum).fma(FloatVector.broadcast(Simd.F, Simd.half(w, p + 208) * a.d[di + b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** The scaled dot of SHORTS values (low four bits, top two bits) with their activations. */
    private static IntVector run(ShortVector low, ShortVector top, short[] q, int qa, MemorySegment w, long scale) {
        ShortVector v = low.or(top.lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
        return Simd.pairSum(v.mul(Simd.shorts(q, qa))).mul(w.get(ValueLayout.JAVA_BYTE, scale));
    }
}
