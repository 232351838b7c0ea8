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
 * Q3_K weights (hmask:u8[32], qs:u8[64], 6-bit signed scales packed in 12 bytes, d:f16) against Q8_K
 * activations. Run r (16 values) takes two bits at shift 2((r/2) mod 4) of qs[32(r/8) + 16(r mod 2) + l]
 * and subtracts 4 unless bit r/2 of hmask[16(r mod 2) + l] is set.
 */
final class Q3_KKernel extends RowKernel {
    private static final int BYTES = 110;

    Q3_KKernel() {
        super(GgmlType.Q3_K);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int blocks = a.cols >> 8;
        short[] q = a.q;
        int q0 = t * a.cols;
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            // Indices affine in b let C2 hoist the range checks out of the loop.
            int qi = q0 + 256 * b;
            long p = offset + (long) b * BYTES;
            long scales = p + 96;
            IntVector isum = IntVector.zero(I);
            for (int run = 0; run < 16; run++) {
                int l0 = 16 * (run & 1);
                long qs = p + 32 + 32 * (run >> 3) + l0;
                int shift = 2 * ((run >> 1) & 3);
                int bit = run >> 1;
                int low = run < 8 ? w.get(ValueLayout.JAVA_BYTE, scales + run) & 0xF : (w.get(ValueLayout.JAVA_BYTE, scales + run - 8) >> 4) & 0xF;
                int high = (w.get(ValueLayout.JAVA_BYTE, scales + 8 + (run & 3)) >> (2 * (run >> 2))) & 3;
                int scale = (low | high << 4) - 32;
                for (int l = 0; l < 16; l += SHORTS) {
                    ShortVector bits = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, qs + l, LE).convertShape(B2S, S, 0);
                    ShortVector mask = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, p + l0 + l, LE).convertShape(B2S, S, 0);
                    // value = two bits - 4 + 4 * hmask bit
                    ShortVector v = bits.lanewise(ASHR, shift).and((short) 3).sub((short) 4)
                            .add(mask.lanewise(ASHR, bit).and((short) 1).lanewise(LSHL, 2));
                    IntVector x = v.mul(ShortVector.fromArray(S, q, qi + 16 * run + l)).reinterpretAsInts();
                    isum = isum.add(x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).mul(scale));
                }
            }
            acc = ((FloatVector) isum.convert(I2F, 0)).fma(FloatVector.broadcast(F, Simd.half(w, p + 108) * a.d[di + b]), acc);
        }
        return acc.reduceLanes(ADD);
    }
}
