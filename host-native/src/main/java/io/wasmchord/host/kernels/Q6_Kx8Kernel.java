package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.B_HALF;
import static io.wasmchord.host.kernels.Simd.B_QUARTER;
import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.F_VECTOR;
import static io.wasmchord.host.kernels.Simd.I;
import static io.wasmchord.host.kernels.Simd.I_VECTOR;
import static io.wasmchord.host.kernels.Simd.S_HALF_VECTOR;
import static io.wasmchord.host.kernels.Simd.S;
import static io.wasmchord.host.kernels.Simd.S_HALF;
import static io.wasmchord.host.kernels.Simd.SHORTS;
import static io.wasmchord.host.kernels.Simd.S_VECTOR;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import io.wasmchord.io.LittleEndian;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q6_K repacked in groups of GROUP rows (see {@link InterleavedKernel}), its 6-bit values widened
 * to one signed byte each ({@code q - 32}): assembling them from their 4- and 2-bit parts cost more than the
 * products themselves, and the widening costs a quarter more memory for these matrices only. Per block
 * of 256 columns a group takes GROUP x 274 bytes (GROUP file rows take GROUP x 210): the rows' fp16 d
 * (a run); their 16 int8 sub-block scales, sub-block by sub-block (byte {@code RUN + GROUP s + r}); then 128 runs,
 * byte {@code 2r + e} of run k holding value {@code 2k + e} of row r, met by the broadcast
 * activation pair k. A lane sums the 8 products of a sub-block, each at most 32 x 127, so 32,512 fits
 * in 16 bits (Q8_K activations are within +-127); the sums are widened and times the sub-block's scales
 * once per sub-block.
 */
final class Q6_Kx8Kernel extends InterleavedKernel {
    private static final int BLOCK = 210;
    private static final int SCALES = RUN;
    private static final int VALUES = SCALES + 16 * GROUP;
    private static final int GROUP_BLOCK = VALUES + GROUP * 256;

    Q6_Kx8Kernel(RowKernel plain, int rows) {
        super(plain, rows);
    }

    @Override
    long groupBytes(int cols) {
        return (long) (cols >> 8) * GROUP_BLOCK;
    }

    @Override
    void dotGroups(byte[] w, int offset, int groups, Activations a, int t, float[] out, int at) {
        int blocks = a.cols >> 8;
        int[] pairs = a.pairs;
        float[] d = a.d;
        int p0 = t * (a.cols >> 1);
        int di = t * blocks;
        for (int g = 0; g < groups; g++, offset += blocks * GROUP_BLOCK, at += GROUP) {
            // One pass per part of the group a vector holds: all of it from 256 bits on, half at 128.
            for (int h = 0; h < RUN; h += SHORTS) {
                FloatVector acc = FloatVector.zero(F);
                for (int b = 0; b < blocks; b++) {
                    int p = offset + b * GROUP_BLOCK;
                    int pi = p0 + 128 * b;
                    IntVector isum = IntVector.zero(I);
                    // Two sub-blocks per pass: two independent 16-bit sums keep more of the core busy.
                    for (int sb = 0; sb < 16; sb += 2) {
                        int runs = p + VALUES + 8 * RUN * sb + h;
                        int pk = pi + 8 * sb;
                        ShortVector acc16 = ShortVector.zero(S);
                        ShortVector next16 = ShortVector.zero(S);
                        for (int i = 0; i < 8; i++) {
                            ShortVector v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, runs + RUN * i).convertShape(B2S, S, 0));
                            ShortVector u = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, runs + 8 * RUN + RUN * i).convertShape(B2S, S, 0));
                            acc16 = v.mul(S_VECTOR.cast(IntVector.broadcast(I, pairs[pk + i]).reinterpretShape(S, 0))).add(S_VECTOR.cast(acc16));
                            next16 = u.mul(S_VECTOR.cast(IntVector.broadcast(I, pairs[pk + 8 + i]).reinterpretShape(S, 0))).add(S_VECTOR.cast(next16));
                        }
                        IntVector x = I_VECTOR.cast(S_VECTOR.cast(acc16).reinterpretShape(I, 0));
                        IntVector y = I_VECTOR.cast(S_VECTOR.cast(next16).reinterpretShape(I, 0));
                        IntVector scale = I_VECTOR.cast(ByteVector.fromArray(B_QUARTER, w, p + SCALES + GROUP * sb + h / 2)
                                .convertShape(B2I, I, 0));
                        IntVector nextScale = I_VECTOR.cast(ByteVector.fromArray(B_QUARTER, w, p + SCALES + GROUP * sb + GROUP + h / 2)
                                .convertShape(B2I, I, 0));
                        isum = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).mul(scale)
                                .add(y.lanewise(LSHL, 16).lanewise(ASHR, 16).add(y.lanewise(ASHR, 16)).mul(nextScale))
                                .add(I_VECTOR.cast(isum));
                    }
                    // The rows' fp16 d, finite (see accept), converted exactly as Q4_0x8Kernel's scales.
                    IntVector half = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + h).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                    FloatVector scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0)).mul(0x1p112f);
                    acc = F_VECTOR.cast(I_VECTOR.cast(isum).convertShape(I2F, F, 0)).fma(scales.mul(d[di + b]), F_VECTOR.cast(acc));
                }
                F_VECTOR.cast(acc).intoArray(out, at + h / 2);
            }
        }
    }

    @Override
    boolean accept(byte[] rows) {
        return blockHalvesFinite(rows, BLOCK, 208);
    }

    @Override
    void repackGroup(byte[] from, int rowBytes, byte[] to, int cols) {
        int[] q = new int[256];
        for (int b = 0; b < cols >> 8; b++) {
            int at = b * GROUP_BLOCK;
            for (int r = 0; r < GROUP; r++) {
                int row = r * rowBytes + b * BLOCK;
                decode(from, row, q);
                interleaveRuns(from, row + 208, to, at, r, 1);
                for (int sb = 0; sb < 16; sb++) {
                    to[at + SCALES + GROUP * sb + r] = from[row + 192 + sb];
                }
                for (int v = 0; v < 256; v++) {
                    to[at + VALUES + RUN * (v >> 1) + 2 * r + (v & 1)] = (byte) (q[v] - 32);
                }
            }
        }
    }

    /** The 256 unsigned 6-bit values of the file-layout block at {@code from}. */
    private static void decode(byte[] src, int from, int[] q) {
        for (int half = 0; half < 2; half++) {
            int ql = from + 64 * half;
            int qh = from + 128 + 32 * half;
            for (int l = 0; l < 32; l++) {
                int lo0 = src[ql + l] & 0xFF;
                int lo1 = src[ql + 32 + l] & 0xFF;
                int top = src[qh + l] & 0xFF;
                int v = 128 * half + l;
                q[v] = (lo0 & 0xF) | (top & 3) << 4;
                q[v + 32] = (lo1 & 0xF) | ((top >> 2) & 3) << 4;
                q[v + 64] = (lo0 >> 4) | ((top >> 4) & 3) << 4;
                q[v + 96] = (lo1 >> 4) | ((top >> 6) & 3) << 4;
            }
        }
    }

    /** Run k holds columns {@code 2k, 2k + 1} of the block (sub-block k / 8): signed bytes times {@code d * scale}. */
    @Override
    void expandColumns(byte[] w, int g, int cols, int fromBlock, int toBlock, float[] dst, int at, Scratch s) {
        float[] scales = s.floats(16 * GROUP);
        int group = (int) groupOffset(g, cols);
        for (int b = fromBlock; b < toBlock; b++) {
            int p = group + b * GROUP_BLOCK;
            for (int r = 0; r < GROUP; r++) {
                float d = Float.float16ToFloat(LittleEndian.getShort(w, p + 2 * r));
                for (int sb = 0; sb < 16; sb++) {
                    scales[sb * GROUP + r] = d * w[p + SCALES + GROUP * sb + r];
                }
            }
            int column = at + (b - fromBlock) * 256 * GROUP;
            for (int k = 0; k < 128; k++) {
                for (int h = 0; h < RUN; h += SHORTS) {
                    int r = h / 2;
                    IntVector x = ((ShortVector) ByteVector.fromArray(B_HALF, w, p + VALUES + RUN * k + h).convertShape(B2S, S, 0))
                            .reinterpretAsInts();
                    FloatVector scale = FloatVector.fromArray(F, scales, (k >> 3) * GROUP + r);
                    ((FloatVector) x.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).mul(scale)
                            .intoArray(dst, column + 2 * k * GROUP + r);
                    ((FloatVector) x.lanewise(ASHR, 16).convert(I2F, 0)).mul(scale)
                            .intoArray(dst, column + (2 * k + 1) * GROUP + r);
                }
            }
        }
    }
}
