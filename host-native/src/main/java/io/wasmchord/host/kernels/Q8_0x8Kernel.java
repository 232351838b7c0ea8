package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.B_HALF;
import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.F_VECTOR;
import static io.wasmchord.host.kernels.Simd.FLOATS;
import static io.wasmchord.host.kernels.Simd.I;
import static io.wasmchord.host.kernels.Simd.I_VECTOR;
import static io.wasmchord.host.kernels.Simd.S_HALF_VECTOR;
import static io.wasmchord.host.kernels.Simd.S;
import static io.wasmchord.host.kernels.Simd.S_HALF;
import static io.wasmchord.host.kernels.Simd.S_VECTOR;
import static io.wasmchord.host.kernels.Simd.SHORTS;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q8_0 repacked in groups of GROUP rows (see {@link InterleavedKernel}), the same size as the
 * file's rows. Per block of 32 columns a group takes GROUP x 34 bytes: the rows' fp16 scales, then 16 runs,
 * byte {@code 2r + e} of run k holding value {@code 2k + e} of row r, met by the broadcast
 * activation pair k. A 16-bit lane takes the products of two runs (each at most 128 x 127, together
 * 32,512) before the lane pairs of a row are added into its 32-bit lane. Two groups a pass, paired far
 * apart (see InterleavedKernel), as Q4_0x8Kernel: from cache no faster (0.998 on Zen 3), so what it buys is
 * not the broadcasts it saves but two streams of weights in flight at once.
 */
final class Q8_0x8Kernel extends InterleavedKernel {
    private static final int BLOCK = 34;
    private static final int GROUP_BLOCK = GROUP * BLOCK;

    Q8_0x8Kernel(RowKernel plain, int rows) {
        super(plain, rows);
    }

    @Override
    void dotGroups(byte[] w, int offset, int groups, Activations a, int t, float[] out, int at) {
        int blocks = a.cols >> 5;
        int[] pairs = a.pairs;
        float[] d = a.d;
        int p0 = t * (a.cols >> 1);
        int di = t * blocks;
        int stride = blocks * GROUP_BLOCK;
        // Group g of the first half with group g of the second: two streams far apart (see InterleavedKernel).
        int pairCount = groups >> 1;
        for (int g = 0; g < pairCount; g++) {
            twoGroups(w, offset + g * stride, pairCount * stride, blocks, pairs, d, p0, di, out, at + g * GROUP, at + (pairCount + g) * GROUP);
        }
        int g = 2 * pairCount;
        offset += g * stride;
        at += g * GROUP;
        for (; g < groups; g++, offset += blocks * GROUP_BLOCK, at += GROUP) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            for (int b = 0; b < blocks; b++) {
                int p = offset + b * GROUP_BLOCK;
                int pi = p0 + 16 * b;
                IntVector isum0 = IntVector.zero(I);
                IntVector isum1 = IntVector.zero(I);
                // Two runs a trip for both halves of the group (as Q4_0x8Kernel's loop, which see).
                for (int k = 0; k < 16; k += 2) {
                    int q = p + RUN + RUN * k;
                    ShortVector pair0 = S_VECTOR.cast(IntVector.broadcast(I, pairs[pi + k]).reinterpretShape(S, 0));
                    ShortVector pair1 = S_VECTOR.cast(IntVector.broadcast(I, pairs[pi + k + 1]).reinterpretShape(S, 0));
                    ShortVector v0 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q).convertShape(B2S, S, 0));
                    ShortVector v1 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN).convertShape(B2S, S, 0));
                    IntVector x = I_VECTOR.cast(v0.mul(pair0).add(v1.mul(pair1)).reinterpretShape(I, 0));
                    isum0 = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).add(I_VECTOR.cast(isum0));
                    v0 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + SHORTS).convertShape(B2S, S, 0));
                    v1 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN + SHORTS).convertShape(B2S, S, 0));
                    x = I_VECTOR.cast(v0.mul(pair0).add(v1.mul(pair1)).reinterpretShape(I, 0));
                    isum1 = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).add(I_VECTOR.cast(isum1));
                }
                // The rows' fp16 scales, finite (see accept), converted exactly: the sign-extended bits moved to
                // a float's places, the copies of the sign between them cleared; the exponent's bias comes with
                // the activations' scale, an fp16 value, so times 2^112 still finite (the same product).
                float dy = d[di + b] * 0x1p112f;
                IntVector half = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                FloatVector scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                acc0 = F_VECTOR.cast(I_VECTOR.cast(isum0).convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc0));
                half = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                acc1 = F_VECTOR.cast(I_VECTOR.cast(isum1).convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc1));
            }
            F_VECTOR.cast(acc0).intoArray(out, at);
            F_VECTOR.cast(acc1).intoArray(out, at + FLOATS);
        }
    }

    /**
     * Groups at {@code w[offset]} and {@code w[offset + stride]} in one pass into {@code out[at]} and
     * {@code out[at2]}, as dotGroups does one: each
     * broadcast activation pair meets four loads instead of two (see Q4_0x8Kernel#twoGroups).
     */
    private static void twoGroups(byte[] w, int offset, int stride, int blocks, int[] pairs, float[] d, int p0, int di,
            float[] out, int at, int at2) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            int p = offset + b * GROUP_BLOCK;
            // The blocks' scales first: read in file order (see Q4_0x8Kernel#twoGroups).
            IntVector scaleBits0 = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            IntVector scaleBits1 = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            IntVector scaleBits2 = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + stride).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            IntVector scaleBits3 = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + stride + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            int pi = p0 + 16 * b;
            IntVector isum0 = IntVector.zero(I);
            IntVector isum1 = IntVector.zero(I);
            IntVector isum2 = IntVector.zero(I);
            IntVector isum3 = IntVector.zero(I);
            for (int k = 0; k < 16; k += 2) {
                int q = p + RUN + RUN * k;
                ShortVector pair0 = S_VECTOR.cast(IntVector.broadcast(I, pairs[pi + k]).reinterpretShape(S, 0));
                ShortVector pair1 = S_VECTOR.cast(IntVector.broadcast(I, pairs[pi + k + 1]).reinterpretShape(S, 0));
                ShortVector v0, v1;
                IntVector x;
                    v0 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q).convertShape(B2S, S, 0));
                    v1 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN).convertShape(B2S, S, 0));
                    x = I_VECTOR.cast(v0.mul(pair0).add(v1.mul(pair1)).reinterpretShape(I, 0));
                    isum0 = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).add(I_VECTOR.cast(isum0));
                    v0 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + SHORTS).convertShape(B2S, S, 0));
                    v1 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + SHORTS + RUN).convertShape(B2S, S, 0));
                    x = I_VECTOR.cast(v0.mul(pair0).add(v1.mul(pair1)).reinterpretShape(I, 0));
                    isum1 = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).add(I_VECTOR.cast(isum1));
                    v0 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride).convertShape(B2S, S, 0));
                    v1 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride + RUN).convertShape(B2S, S, 0));
                    x = I_VECTOR.cast(v0.mul(pair0).add(v1.mul(pair1)).reinterpretShape(I, 0));
                    isum2 = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).add(I_VECTOR.cast(isum2));
                    v0 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride + SHORTS).convertShape(B2S, S, 0));
                    v1 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride + SHORTS + RUN).convertShape(B2S, S, 0));
                    x = I_VECTOR.cast(v0.mul(pair0).add(v1.mul(pair1)).reinterpretShape(I, 0));
                    isum3 = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).add(I_VECTOR.cast(isum3));
            }
            float dy = d[di + b] * 0x1p112f;
            IntVector half;
            FloatVector scales;
                half = scaleBits0;
                scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                acc0 = F_VECTOR.cast(I_VECTOR.cast(isum0).convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc0));
                half = scaleBits1;
                scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                acc1 = F_VECTOR.cast(I_VECTOR.cast(isum1).convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc1));
                half = scaleBits2;
                scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                acc2 = F_VECTOR.cast(I_VECTOR.cast(isum2).convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc2));
                half = scaleBits3;
                scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                acc3 = F_VECTOR.cast(I_VECTOR.cast(isum3).convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc3));
        }
        F_VECTOR.cast(acc0).intoArray(out, at);
        F_VECTOR.cast(acc1).intoArray(out, at + FLOATS);
        F_VECTOR.cast(acc2).intoArray(out, at2);
        F_VECTOR.cast(acc3).intoArray(out, at2 + FLOATS);
    }

    @Override
    boolean accept(byte[] rows) {
        return blockHalvesFinite(rows, BLOCK, 0);
    }

    @Override
    void repackGroup(byte[] from, int rowBytes, byte[] to, int cols) {
        repackScaledBlocks(from, rowBytes, to, cols, BLOCK);
    }

    /** Run k holds columns {@code 2k, 2k + 1} of the block: signed bytes times the rows' scales. */
    @Override
    void expandColumns(byte[] w, int g, int cols, int fromBlock, int toBlock, float[] dst, int at, Scratch s) {
        float[] scales = s.floats(GROUP);
        int group = (int) groupOffset(g, cols);
        for (int b = fromBlock; b < toBlock; b++) {
            int p = group + b * GROUP_BLOCK;
            runHalves(w, p, scales);
            int column = at + (b - fromBlock) * 32 * GROUP;
            for (int k = 0; k < 16; k++) {
                for (int h = 0; h < RUN; h += SHORTS) {
                    int r = h / 2;
                    IntVector x = ((ShortVector) ByteVector.fromArray(B_HALF, w, p + RUN + RUN * k + h).convertShape(B2S, S, 0))
                            .reinterpretAsInts();
                    FloatVector scale = FloatVector.fromArray(F, scales, r);
                    ((FloatVector) x.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).mul(scale)
                            .intoArray(dst, column + 2 * k * GROUP + r);
                    ((FloatVector) x.lanewise(ASHR, 16).convert(I2F, 0)).mul(scale)
                            .intoArray(dst, column + (2 * k + 1) * GROUP + r);
                }
            }
        }
    }
}
