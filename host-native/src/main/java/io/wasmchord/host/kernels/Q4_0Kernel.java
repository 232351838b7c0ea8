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
import static jdk.incubator.vector.VectorOperators.S2I;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q4_0 weights (d:f16, qs:u8[16]; byte j holds value j low and j + 16 high, value = nibble - 8) against
 * Q8_0 activations.
 */
final class Q4_0Kernel extends RowKernel {
    private static final int BYTES = 18;

    Q4_0Kernel() {
        super(GgmlType.Q4_0);
    }

    @Override
    InterleavedKernel interleaved(int rows) {
        return new Q4_0x8Kernel(this, rows);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int blocks = a.cols >> 5;
        short[] q = a.q;
        float[] d = a.d;
        int q0 = t * a.cols;
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            // Indices affine in b let C2 hoist the range checks out of the loop.
            int qi = q0 + 32 * b;
            long p = offset + (long) b * BYTES + 2;
            IntVector sum = IntVector.zero(I);
            for (int j = 0; j < 16; j += SHORTS) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, p + j, LE).convertShape(B2S, S, 0);
                ShortVector low = packed.and((short) 0xF).sub((short) 8);
                ShortVector high = packed.lanewise(ASHR, 4).and((short) 0xF).sub((short) 8);
                IntVector x = low.mul(ShortVector.fromArray(S, q, qi + j))
                        .add(high.mul(ShortVector.fromArray(S, q, qi + 16 + j))).reinterpretAsInts();
                sum = sum.add(x.lanewise(LSHL, 16).lanewise(ASHR, 16)).add(x.lanewise(ASHR, 16));
            }
            float scale = Simd.half(w, p - 2) * d[di + b];
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F, scale), acc);
        }
        return acc.reduceLanes(ADD);
    }

    @Override
    void dequantize(MemorySegment w, long offset, int cols, float[] dst, int at, Scratch s) {
        for (int b = 0; b < cols >> 5; b++, at += 32) {
            long p = offset + (long) b * BYTES + 2;
            float scale = Simd.half(w, p - 2);
            for (int j = 0; j < 16; j += SHORTS) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, p + j, LE).convertShape(B2S, S, 0);
                ShortVector low = packed.and((short) 0xF).sub((short) 8);
                ShortVector high = packed.lanewise(ASHR, 4).and((short) 0xF).sub((short) 8);
                for (int part = 0; part < 2; part++) {
                    int k = j + part * Simd16.FLOATS;
                    ((FloatVector) low.convertShape(S2I, I, part).convert(I2F, 0)).mul(scale).intoArray(dst, at + k);
                    ((FloatVector) high.convertShape(S2I, I, part).convert(I2F, 0)).mul(scale).intoArray(dst, at + 16 + k);
                }
            }
        }
    }
}
