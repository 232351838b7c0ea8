package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.B16;
import static io.wasmchord.host.kernels.Simd16.F;
import static io.wasmchord.host.kernels.Simd16.I;
import static io.wasmchord.host.kernels.Simd.IQ4_VALUES;
import static io.wasmchord.host.kernels.Simd.LE;
import static io.wasmchord.host.kernels.Simd16.PARTS_OF_16;
import static io.wasmchord.host.kernels.Simd16.S;
import static io.wasmchord.host.kernels.Simd16.SHORTS;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * IQ4_XS weights (d:f16, scales_h:u16, scales_l:u8[4], qs:u8[128]) against Q8_K activations: eight runs
 * of 32 values, each IQ4_NL's nibble table layout with a 6-bit scale (minus 32) from scales_l and
 * scales_h.
 */
final class IQ4_XSKernel extends RowKernel {
    private static final int BYTES = 136;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    IQ4_XSKernel() {
        super(GgmlType.IQ4_XS);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int blocks = a.cols >> 8;
        short[] q = a.q;
        int q0 = t * a.cols;
        int di = t * blocks;
        ByteVector table = ByteVector.fromArray(B16, IQ4_VALUES, 0);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            // Indices affine in b let C2 hoist the range checks out of the loop.
            int qi = q0 + 256 * b;
            long p = offset + (long) b * BYTES;
            int scalesHigh = w.get(SHORT, p + 2) & 0xFFFF;
            IntVector isum = IntVector.zero(I);
            for (int run = 0; run < 8; run++) {
                int low = (w.get(ValueLayout.JAVA_BYTE, p + 4 + (run >> 1)) >> (4 * (run & 1))) & 0xF;
                int scale = (low | ((scalesHigh >> (2 * run)) & 3) << 4) - 32;
                ByteVector packed = ByteVector.fromMemorySegment(B16, w, p + 8 + 16 * run, LE);
                ByteVector lowValues = table.rearrange(packed.and((byte) 0xF).toShuffle());
                ByteVector highValues = table.rearrange(packed.lanewise(LSHR, 4).and((byte) 0xF).toShuffle());
                int qa = qi + 32 * run;
                for (int part = 0; part < PARTS_OF_16; part++) {
                    int j = part * SHORTS;
                    IntVector x = ((ShortVector) lowValues.convertShape(B2S, S, part)).mul(ShortVector.fromArray(S, q, qa + j))
                            .add(((ShortVector) highValues.convertShape(B2S, S, part)).mul(ShortVector.fromArray(S, q, qa + 16 + j)))
                            .reinterpretAsInts();
                    isum = isum.add(x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).mul(scale));
                }
            }
            acc = ((FloatVector) isum.convert(I2F, 0)).fma(FloatVector.broadcast(F, Simd.half(w, p) * a.d[di + b]), acc);
        }
        return acc.reduceLanes(ADD);
    }
}
