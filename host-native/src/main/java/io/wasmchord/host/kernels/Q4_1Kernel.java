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
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q4_1 weights (d:f16, m:f16, qs:u8[16]; value = d * nibble + m) against Q8_1 activations, whose
 * stored block sums (d times the sum of the quants, in fp16) carry the minimums, as in llama.cpp.
 */
final class Q4_1Kernel extends RowKernel {
    private static final int BYTES = 20;

    Q4_1Kernel() {
        super(GgmlType.Q4_1);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int blocks = a.cols >> 5;
        short[] q = a.q;
        float[] d = a.d;
        int q0 = t * a.cols;
        int di = t * blocks;
        FloatVector acc = FloatVector.zero(F);
        float minTotal = 0;
        for (int b = 0; b < blocks; b++) {
            // Indices affine in b let C2 hoist the range checks out of the loop.
            int qi = q0 + 32 * b;
            long p = offset + (long) b * BYTES;
            IntVector sum = IntVector.zero(I);
            for (int j = 0; j < 16; j += SHORTS) {
                ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, p + 4 + j, LE).convertShape(B2S, S, 0);
                ShortVector low = packed.and((short) 0xF);
                ShortVector high = packed.lanewise(ASHR, 4).and((short) 0xF);
                IntVector x = low.mul(ShortVector.fromArray(S, q, qi + j))
                        .add(high.mul(ShortVector.fromArray(S, q, qi + 16 + j))).reinterpretAsInts();
                sum = sum.add(x.lanewise(LSHL, 16).lanewise(ASHR, 16)).add(x.lanewise(ASHR, 16));
            }
            float scale = Simd.half(w, p) * d[di + b];
            acc = ((FloatVector) sum.convert(I2F, 0)).fma(FloatVector.broadcast(F, scale), acc);
            minTotal += Simd.half(w, p + 2) * a.s[di + b];
        }
        return acc.reduceLanes(ADD) + minTotal;
    }
}
