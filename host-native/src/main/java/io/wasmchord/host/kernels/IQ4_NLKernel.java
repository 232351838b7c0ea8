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
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * IQ4_NL weights (d:f16, qs:u8[16]; value j is table[low nibble of byte j], value j + 16 table[high
 * nibble]) against Q8_0 activations. The 16-entry table is looked up with a 16-byte shuffle.
 */
final class IQ4_NLKernel extends RowKernel {
    private static final int BYTES = 18;

    IQ4_NLKernel() {
        super(GgmlType.IQ4_NL);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int blocks = a.cols >> 5;
        short[] q = a.q;
        float[] d = a.d;
        int q0 = t * a.cols;
        int di = t * blocks;
        ByteVector table = ByteVector.fromArray(B16, IQ4_VALUES, 0);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            // Indices affine in b let C2 hoist the range checks out of the loop.
            int qi = q0 + 32 * b;
            long p = offset + (long) b * BYTES;
            ByteVector packed = ByteVector.fromMemorySegment(B16, w, p + 2, LE);
            ByteVector low = table.rearrange(packed.and((byte) 0xF).toShuffle());
            ByteVector high = table.rearrange(packed.lanewise(LSHR, 4).and((byte) 0xF).toShuffle());
            IntVector sum = IntVector.zero(I);
            for (int part = 0; part < PARTS_OF_16; part++) {
                int j = part * SHORTS;
                // |table * a| <= 16129: two products per 16-bit lane still fit.
                IntVector x = ((ShortVector) low.convertShape(B2S, S, part)).mul(ShortVector.fromArray(S, q, qi + j))
                        .add(((ShortVector) high.convertShape(B2S, S, part)).mul(ShortVector.fromArray(S, q, qi + 16 + j)))
                        .reinterpretAsInts();
                sum = sum.add(x.lanewise(LSHL, 16).lanewise(ASHR, 16)).add(x.lanewise(ASHR, 16));
            }
            float scale = Simd.half(w, p) * d[di + b];
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F, scale), acc);
        }
        return acc.reduceLanes(ADD);
    }
}
