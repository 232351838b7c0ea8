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
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q6_K weights (ql:u8[128], qh:u8[64], scales:i8[16], d:f16) against Q8_K activations. In each half of
 * 128 values, ql[l] holds the low four bits of values l (low nibble) and 64 + l (high nibble), ql[32 + l]
 * those of 32 + l and 96 + l, and qh[l] the top two bits of all four; each value is offset by -32 and
 * each run of 16 has its own int8 scale. One pass over l decodes the four values sharing those bytes.
 */
final class Q6_KKernel extends RowKernel {
    private static final int BYTES = 210;

    Q6_KKernel() {
        super(GgmlType.Q6_K);
    }

    @Override
    InterleavedKernel interleaved(int rows) {
        return new Q6_Kx8Kernel(this, rows);
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
            IntVector isum = IntVector.zero(I);
            for (int h = 0; h < 2; h++) {
                long ql = p + 64 * h;
                long qh = p + 128 + 32 * h;
                long scales = p + 192 + 8 * h;
                int qa = qi + 128 * h;
                for (int l = 0; l < 32; l += SHORTS) {
                    ShortVector lo0 = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, ql + l, LE).convertShape(B2S, S, 0);
                    ShortVector lo1 = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, ql + 32 + l, LE).convertShape(B2S, S, 0);
                    ShortVector top = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, qh + l, LE).convertShape(B2S, S, 0);
                    ShortVector v0 = lo0.and((short) 0xF).or(top.lanewise(LSHL, 4).and((short) 0x30)).sub((short) 32);
                    ShortVector v1 = lo1.and((short) 0xF).or(top.lanewise(LSHL, 2).and((short) 0x30)).sub((short) 32);
                    ShortVector v2 = lo0.lanewise(ASHR, 4).and((short) 0xF).or(top.and((short) 0x30)).sub((short) 32);
                    ShortVector v3 = lo1.lanewise(ASHR, 4).and((short) 0xF).or(top.lanewise(ASHR, 2).and((short) 0x30)).sub((short) 32);
                    int run = l >> 4;
                    IntVector x0 = v0.mul(ShortVector.fromArray(S, q, qa + l)).reinterpretAsInts();
                    IntVector x1 = v1.mul(ShortVector.fromArray(S, q, qa + 32 + l)).reinterpretAsInts();
                    IntVector x2 = v2.mul(ShortVector.fromArray(S, q, qa + 64 + l)).reinterpretAsInts();
                    IntVector x3 = v3.mul(ShortVector.fromArray(S, q, qa + 96 + l)).reinterpretAsInts();
                    isum = isum
                            .add(x0.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x0.lanewise(ASHR, 16)).mul(w.get(ValueLayout.JAVA_BYTE, scales + run)))
                            .add(x1.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x1.lanewise(ASHR, 16)).mul(w.get(ValueLayout.JAVA_BYTE, scales + 2 + run)))
                            .add(x2.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x2.lanewise(ASHR, 16)).mul(w.get(ValueLayout.JAVA_BYTE, scales + 4 + run)))
                            .add(x3.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x3.lanewise(ASHR, 16)).mul(w.get(ValueLayout.JAVA_BYTE, scales + 6 + run)));
                }
            }
            acc = ((FloatVector) isum.convert(I2F, 0)).fma(FloatVector.broadcast(F, Simd.half(w, p + 208) * a.d[di + b]), acc);
        }
        return acc.reduceLanes(ADD);
    }

    @Override
    void dequantize(MemorySegment w, long offset, int cols, float[] dst, int at, Scratch s) {
        for (int b = 0; b < cols >> 8; b++, at += 256) {
            long p = offset + (long) b * BYTES;
            float d = Simd.half(w, p + 208);
            for (int h = 0; h < 2; h++) {
                long ql = p + 64 * h;
                long qh = p + 128 + 32 * h;
                long scales = p + 192 + 8 * h;
                int o = at + 128 * h;
                for (int l = 0; l < 32; l += SHORTS) {
                    ShortVector lo0 = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, ql + l, LE).convertShape(B2S, S, 0);
                    ShortVector lo1 = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, ql + 32 + l, LE).convertShape(B2S, S, 0);
                    ShortVector top = (ShortVector) ByteVector.fromMemorySegment(B_HALF, w, qh + l, LE).convertShape(B2S, S, 0);
                    int run = l >> 4;
                    for (int k = 0; k < 4; k++) {
                        ShortVector v = switch (k) {
                            case 0 -> lo0.and((short) 0xF).or(top.lanewise(LSHL, 4).and((short) 0x30));
                            case 1 -> lo1.and((short) 0xF).or(top.lanewise(LSHL, 2).and((short) 0x30));
                            case 2 -> lo0.lanewise(ASHR, 4).and((short) 0xF).or(top.and((short) 0x30));
                            default -> lo1.lanewise(ASHR, 4).and((short) 0xF).or(top.lanewise(ASHR, 2).and((short) 0x30));
                        };
                        v = v.sub((short) 32);
                        float scale = d * w.get(ValueLayout.JAVA_BYTE, scales + 2 * k + run);
                        for (int part = 0; part < 2; part++) {
                            ((FloatVector) v.convertShape(S2I, I, part).convert(I2F, 0)).mul(scale)
                                    .intoArray(dst, o + 32 * k + l + part * Simd16.FLOATS);
                        }
                    }
                }
            }
        }
    }
}
