package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.B_HALF;
import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;
import static io.wasmchord.host.kernels.Simd.I;
import static io.wasmchord.host.kernels.Simd.LE;
import static io.wasmchord.host.kernels.Simd.S;
import static io.wasmchord.host.kernels.Simd.SHORTS;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/** Q8_0 weights (d:f16, qs:i8[32]) against Q8_0 activations. */
final class Q8_0Kernel extends RowKernel {
    private static final int BYTES = 34;

    Q8_0Kernel() {
        super(GgmlType.Q8_0);
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
            for (int j = 0; j < 32; j += 2 * SHORTS) {
                ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, p + j, LE).convertShape(B2S, S, 0);
                ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, p + j + SHORTS, LE).convertShape(B2S, S, 0);
                // Two products per 16-bit lane, then adjacent lanes summed into 32 bits (see Simd).
                IntVector x = w0.mul(ShortVector.fromArray(S, q, qi + j))
                        .add(w1.mul(ShortVector.fromArray(S, q, qi + j + SHORTS))).reinterpretAsInts();
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
            for (int j = 0; j < 32; j += 2 * FLOATS) {
                ByteVector v = ByteVector.fromMemorySegment(B_HALF, w, p + j, LE);
                ((FloatVector) v.convertShape(B2F, F, 0)).mul(scale).intoArray(dst, at + j);
                ((FloatVector) v.convertShape(B2F, F, 1)).mul(scale).intoArray(dst, at + j + FLOATS);
            }
        }
    }
}
