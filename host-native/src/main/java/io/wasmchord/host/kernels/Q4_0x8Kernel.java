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
import static io.wasmchord.host.kernels.Simd.SHORTS;
import static io.wasmchord.host.kernels.Simd.S_VECTOR;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2S;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q4_0 repacked in groups of GROUP rows (see {@link InterleavedKernel}). Per block of 32 columns a
 * group takes GROUP x 18 bytes: the rows' fp16 scales, then 8 runs; byte {@code 2r + e} of run
 * {@code m} is byte {@code 2m + e} of row r's quants, so its low nibble is value {@code 2m + e} and its
 * high nibble value {@code 16 + 2m + e}. Widened to 16-bit lanes, run m meets the broadcast activation
 * pairs {@code (2m, 2m + 1)} and {@code (16 + 2m, 17 + 2m)}.
 *
 * <p>A byte is multiplied whole (low + 16 high, 0..255) by the pair {@code (2m, 2m + 1)}, and its high
 * nibble (a shift, no mask) by the nibble pair of {@link Activations#nibblePairs}, quants {@code 16 + 2m}
 * minus 16 times {@code 2m}: together low times the first plus high times the second, one mask fewer per
 * run than masking both nibbles (+3-4% at 2048 x 768 and 5632 x 2048). The products overflow 16 bits,
 * but 16-bit arithmetic wraps, and what matters is where the sums end: the offset of 8 comes off as 8
 * times the sum of the block's activations, the value the sums start from, and a row's two lanes added
 * (in the upper one) come to the reference's integer block dot, at most 8 x 127 x 32 = 32,512 in
 * magnitude, which 16 bits hold exactly.
 *
 * <p>The mat-vec takes two groups a pass ({@link #twoGroups}, paired far apart as InterleavedKernel says):
 * each broadcast pair then meets four loads instead of two, and two streams of weights are in flight at
 * once. Four groups a pass left C2 too few registers (0.88-0.92, Zen 3).
 *
 * <p>Each pair is broadcast from its int where the multiply needs it. Session 5 stored every pair
 * pre-broadcast (a short vector each, 16 times the activations' size) for the multiplies to take as
 * memory operands; faster for the kernel alone from cache, but writing those vectors before every
 * mat-vec was serial work that missed the caches (0.8 ms of a 2-thread TinyLlama token, see
 * docs/PERFORMANCE.md, "Session 6"), and whole decodes ran no slower without them.
 */
final class Q4_0x8Kernel extends InterleavedKernel {
    private static final int BLOCK = 18;
    private static final int GROUP_BLOCK = GROUP * BLOCK;

    Q4_0x8Kernel(RowKernel plain, int rows) {
        super(plain, rows);
    }

    @Override
    void dotGroups(byte[] w, int offset, int groups, Activations a, int t, float[] out, int at) {
        int blocks = a.cols >> 5;
        int[] pairs = a.pairs;
        int[] nibbles = a.nibblePairs();
        int[] starts = a.offsetStarts;
        float[] d = a.scaledD;
        int o0 = t * (a.cols >> 1);
        int n0 = t * (a.cols >> 2);
        int di = t * blocks;
        int stride = blocks * GROUP_BLOCK;
        // Group g of the first half with group g of the second: two streams far apart (see InterleavedKernel).
        int pairCount = groups >> 1;
        for (int g = 0; g < pairCount; g++) {
            twoGroups(w, offset + g * stride, pairCount * stride, blocks, pairs, nibbles, starts, d, o0, n0, di, out, at + g * GROUP, at + (pairCount + g) * GROUP);
        }
        int g = 2 * pairCount;
        offset += g * stride;
        at += g * GROUP;
        for (; g < groups; g++, offset += blocks * GROUP_BLOCK, at += GROUP) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            for (int b = 0; b < blocks; b++) {
                int p = offset + b * GROUP_BLOCK;
                int o = o0 + 16 * b;
                int nb = n0 + 8 * b;
                // The sums start at minus the offset's share in each lane pair's first lane: see below.
                ShortVector sum0 = S_VECTOR.cast(IntVector.broadcast(I, starts[di + b]).reinterpretShape(S, 0));
                ShortVector sum1 = sum0;
                // Two runs a trip, four trips: C2 neither unrolls nor splits this loop, so each trip uses its
                // loads where it makes them (unrolled, C2 hoisted every load of the block and spilled).
                for (int m = 0; m < 8; m += 2) {
                    int q = p + RUN + RUN * m;
                    ShortVector pair = S_VECTOR.cast(IntVector.broadcast(I, pairs[o + m]).reinterpretShape(S, 0));
                    ShortVector nibblePair = S_VECTOR.cast(IntVector.broadcast(I, nibbles[nb + m]).reinterpretShape(S, 0));
                    ShortVector v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q).convertShape(ZERO_EXTEND_B2S, S, 0));
                    sum0 = v.mul(pair).add(v.lanewise(LSHR, 4).mul(nibblePair)).add(S_VECTOR.cast(sum0));
                    v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
                    sum1 = v.mul(pair).add(v.lanewise(LSHR, 4).mul(nibblePair)).add(S_VECTOR.cast(sum1));
                    pair = S_VECTOR.cast(IntVector.broadcast(I, pairs[o + m + 1]).reinterpretShape(S, 0));
                    nibblePair = S_VECTOR.cast(IntVector.broadcast(I, nibbles[nb + m + 1]).reinterpretShape(S, 0));
                    v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN).convertShape(ZERO_EXTEND_B2S, S, 0));
                    sum0 = v.mul(pair).add(v.lanewise(LSHR, 4).mul(nibblePair)).add(S_VECTOR.cast(sum0));
                    v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
                    sum1 = v.mul(pair).add(v.lanewise(LSHR, 4).mul(nibblePair)).add(S_VECTOR.cast(sum1));
                }
                // Per half: each lane pair summed to one integer per row, in the pair's upper lane: the lower
                // lane shifted up and added, then moved down with its sign. That sum (the offset's share was
                // the start) is the row's true block dot, at most 8 x 127 x 32 = 32,512 in magnitude, so the
                // upper lane's 16 bits hold it exactly whatever wrapped on the way. Times the rows' fp16
                // scales (finite, see accept; converted exactly: the sign-extended bits moved to a float's
                // places, the copies of the sign between them cleared) times the activations' scale with the
                // exponent's bias folded in (an fp16 value, so times 2^112 it stays finite; same product).
                FloatVector dy = FloatVector.broadcast(F, d[di + b]);
                IntVector x = I_VECTOR.cast(S_VECTOR.cast(sum0).reinterpretShape(I, 0));
                IntVector isum = x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                IntVector half = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                FloatVector scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                acc0 = F_VECTOR.cast(isum.convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc0));
                x = I_VECTOR.cast(S_VECTOR.cast(sum1).reinterpretShape(I, 0));
                isum = x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16);
                half = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                acc1 = F_VECTOR.cast(isum.convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc1));
            }
            F_VECTOR.cast(acc0).intoArray(out, at);
            F_VECTOR.cast(acc1).intoArray(out, at + FLOATS);
        }
    }

    /**
     * Batches (prefill) run here, four activation rows a pass, where AVX-512's 32 registers hold the pass
     * (8 short sums, 8 float accumulators): each weight vector loaded, widened and shifted once serves four
     * rows, and the 16-bit multiply-adds do twice the work per instruction of the float mat-mat's FMAs.
     * Each row's result is bit-identical to its mat-vec.
     */
    @Override
    boolean batchesRows() {
        return FLOATS >= 16;
    }

    @Override
    void dotGroupsRows(byte[] w, int offset, int groups, Activations a, int n, float[] out, int at, int stride) {
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            fourRows(w, offset, groups, a, t, out, t * stride + at, stride);
        }
        for (; t < n; t++) {
            dotGroups(w, offset, groups, a, t, out, t * stride + at);
        }
    }

    /** {@link #dotGroups} for activation rows {@code t .. t + 3} in one pass, row t + k into {@code out[at + k * stride]}. */
    private static void fourRows(byte[] w, int offset, int groups, Activations a, int t, float[] out, int at, int stride) {
        int blocks = a.cols >> 5;
        int[] pairs = a.pairs;
        int[] nibbles = a.nibblePairs();
        int[] starts = a.offsetStarts;
        float[] d = a.scaledD;
        int pairRow = a.cols >> 1;
        int nibbleRow = a.cols >> 2;
        int o0 = t * pairRow;
        int n0 = t * nibbleRow;
        int d0 = t * blocks;
        for (int g = 0; g < groups; g++, offset += blocks * GROUP_BLOCK, at += GROUP) {
            FloatVector acc00 = FloatVector.zero(F), acc01 = acc00, acc10 = acc00, acc11 = acc00;
            FloatVector acc20 = acc00, acc21 = acc00, acc30 = acc00, acc31 = acc00;
            for (int b = 0; b < blocks; b++) {
                int p = offset + b * GROUP_BLOCK;
                int o = o0 + 16 * b;
                int nb = n0 + 8 * b;
                int db = d0 + b;
                // Each row's sums start at minus its offset's share, as in dotGroups.
                ShortVector s00 = S_VECTOR.cast(IntVector.broadcast(I, starts[db]).reinterpretShape(S, 0));
                ShortVector s10 = S_VECTOR.cast(IntVector.broadcast(I, starts[db + blocks]).reinterpretShape(S, 0));
                ShortVector s20 = S_VECTOR.cast(IntVector.broadcast(I, starts[db + 2 * blocks]).reinterpretShape(S, 0));
                ShortVector s30 = S_VECTOR.cast(IntVector.broadcast(I, starts[db + 3 * blocks]).reinterpretShape(S, 0));
                ShortVector s01 = s00, s11 = s10, s21 = s20, s31 = s30;
                for (int m = 0; m < 8; m++) {
                    int q = p + RUN + RUN * m;
                    ShortVector v0 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q).convertShape(ZERO_EXTEND_B2S, S, 0));
                    ShortVector v1 = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
                    ShortVector h0 = v0.lanewise(LSHR, 4);
                    ShortVector h1 = v1.lanewise(LSHR, 4);
                    ShortVector pair = S_VECTOR.cast(IntVector.broadcast(I, pairs[o + m]).reinterpretShape(S, 0));
                    ShortVector nibblePair = S_VECTOR.cast(IntVector.broadcast(I, nibbles[nb + m]).reinterpretShape(S, 0));
                    s00 = v0.mul(pair).add(h0.mul(nibblePair)).add(S_VECTOR.cast(s00));
                    s01 = v1.mul(pair).add(h1.mul(nibblePair)).add(S_VECTOR.cast(s01));
                    pair = S_VECTOR.cast(IntVector.broadcast(I, pairs[o + pairRow + m]).reinterpretShape(S, 0));
                    nibblePair = S_VECTOR.cast(IntVector.broadcast(I, nibbles[nb + nibbleRow + m]).reinterpretShape(S, 0));
                    s10 = v0.mul(pair).add(h0.mul(nibblePair)).add(S_VECTOR.cast(s10));
                    s11 = v1.mul(pair).add(h1.mul(nibblePair)).add(S_VECTOR.cast(s11));
                    pair = S_VECTOR.cast(IntVector.broadcast(I, pairs[o + 2 * pairRow + m]).reinterpretShape(S, 0));
                    nibblePair = S_VECTOR.cast(IntVector.broadcast(I, nibbles[nb + 2 * nibbleRow + m]).reinterpretShape(S, 0));
                    s20 = v0.mul(pair).add(h0.mul(nibblePair)).add(S_VECTOR.cast(s20));
                    s21 = v1.mul(pair).add(h1.mul(nibblePair)).add(S_VECTOR.cast(s21));
                    pair = S_VECTOR.cast(IntVector.broadcast(I, pairs[o + 3 * pairRow + m]).reinterpretShape(S, 0));
                    nibblePair = S_VECTOR.cast(IntVector.broadcast(I, nibbles[nb + 3 * nibbleRow + m]).reinterpretShape(S, 0));
                    s30 = v0.mul(pair).add(h0.mul(nibblePair)).add(S_VECTOR.cast(s30));
                    s31 = v1.mul(pair).add(h1.mul(nibblePair)).add(S_VECTOR.cast(s31));
                }
                // The rows' scales once for the four activation rows; each sum as in dotGroups.
                IntVector half = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                FloatVector scales0 = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                half = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                FloatVector scales1 = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
                IntVector x;
                FloatVector dy = FloatVector.broadcast(F, d[db]);
                x = I_VECTOR.cast(S_VECTOR.cast(s00).reinterpretShape(I, 0));
                acc00 = F_VECTOR.cast(x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0)).fma(scales0.mul(dy), F_VECTOR.cast(acc00));
                x = I_VECTOR.cast(S_VECTOR.cast(s01).reinterpretShape(I, 0));
                acc01 = F_VECTOR.cast(x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0)).fma(scales1.mul(dy), F_VECTOR.cast(acc01));
                dy = FloatVector.broadcast(F, d[db + blocks]);
                x = I_VECTOR.cast(S_VECTOR.cast(s10).reinterpretShape(I, 0));
                acc10 = F_VECTOR.cast(x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0)).fma(scales0.mul(dy), F_VECTOR.cast(acc10));
                x = I_VECTOR.cast(S_VECTOR.cast(s11).reinterpretShape(I, 0));
                acc11 = F_VECTOR.cast(x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0)).fma(scales1.mul(dy), F_VECTOR.cast(acc11));
                dy = FloatVector.broadcast(F, d[db + 2 * blocks]);
                x = I_VECTOR.cast(S_VECTOR.cast(s20).reinterpretShape(I, 0));
                acc20 = F_VECTOR.cast(x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0)).fma(scales0.mul(dy), F_VECTOR.cast(acc20));
                x = I_VECTOR.cast(S_VECTOR.cast(s21).reinterpretShape(I, 0));
                acc21 = F_VECTOR.cast(x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0)).fma(scales1.mul(dy), F_VECTOR.cast(acc21));
                dy = FloatVector.broadcast(F, d[db + 3 * blocks]);
                x = I_VECTOR.cast(S_VECTOR.cast(s30).reinterpretShape(I, 0));
                acc30 = F_VECTOR.cast(x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0)).fma(scales0.mul(dy), F_VECTOR.cast(acc30));
                x = I_VECTOR.cast(S_VECTOR.cast(s31).reinterpretShape(I, 0));
                acc31 = F_VECTOR.cast(x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16).convertShape(I2F, F, 0)).fma(scales1.mul(dy), F_VECTOR.cast(acc31));
            }
            F_VECTOR.cast(acc00).intoArray(out, at);
            F_VECTOR.cast(acc01).intoArray(out, at + FLOATS);
            F_VECTOR.cast(acc10).intoArray(out, at + stride);
            F_VECTOR.cast(acc11).intoArray(out, at + stride + FLOATS);
            F_VECTOR.cast(acc20).intoArray(out, at + 2 * stride);
            F_VECTOR.cast(acc21).intoArray(out, at + 2 * stride + FLOATS);
            F_VECTOR.cast(acc30).intoArray(out, at + 3 * stride);
            F_VECTOR.cast(acc31).intoArray(out, at + 3 * stride + FLOATS);
        }
    }

    /**
     * Groups at {@code w[offset]} and {@code w[offset + stride]} in one pass into {@code out[at]} and
     * {@code out[at2]}, as dotGroups does one: each
     * broadcast activation pair serves four half-runs instead of two. One run a trip: two (as dotGroups
     * takes them) ran at 0.83 of this, in cache and from memory. Written out, as Q4_Kx8Kernel's block is:
     * with a helper for the four scalings C2 boxed the vectors (4x slower).
     */
    private static void twoGroups(byte[] w, int offset, int stride, int blocks, int[] pairs, int[] nibbles, int[] starts,
            float[] d, int o0, int n0, int di, float[] out, int at, int at2) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            int p = offset + b * GROUP_BLOCK;
            // The blocks' scales first, with the line they share with nothing else: read in file order (+4%).
            IntVector scaleBits0 = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            IntVector scaleBits1 = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            IntVector scaleBits2 = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + stride).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            IntVector scaleBits3 = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + stride + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            int o = o0 + 16 * b;
            int nb = n0 + 8 * b;
            ShortVector sum0 = S_VECTOR.cast(IntVector.broadcast(I, starts[di + b]).reinterpretShape(S, 0));
            ShortVector sum1 = sum0;
            ShortVector sum2 = sum0;
            ShortVector sum3 = sum0;
            for (int m = 0; m < 8; m++) {
                int q = p + RUN + RUN * m;
                ShortVector pair = S_VECTOR.cast(IntVector.broadcast(I, pairs[o + m]).reinterpretShape(S, 0));
                ShortVector nibblePair = S_VECTOR.cast(IntVector.broadcast(I, nibbles[nb + m]).reinterpretShape(S, 0));
                ShortVector v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q).convertShape(ZERO_EXTEND_B2S, S, 0));
                sum0 = v.mul(pair).add(v.lanewise(LSHR, 4).mul(nibblePair)).add(S_VECTOR.cast(sum0));
                v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
                sum1 = v.mul(pair).add(v.lanewise(LSHR, 4).mul(nibblePair)).add(S_VECTOR.cast(sum1));
                v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride).convertShape(ZERO_EXTEND_B2S, S, 0));
                sum2 = v.mul(pair).add(v.lanewise(LSHR, 4).mul(nibblePair)).add(S_VECTOR.cast(sum2));
                v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
                sum3 = v.mul(pair).add(v.lanewise(LSHR, 4).mul(nibblePair)).add(S_VECTOR.cast(sum3));
            }
            FloatVector dy = FloatVector.broadcast(F, d[di + b]);
            IntVector x, isum, half;
            FloatVector scales;
            x = I_VECTOR.cast(S_VECTOR.cast(sum0).reinterpretShape(I, 0));
            isum = x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            half = scaleBits0;
            scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
            acc0 = F_VECTOR.cast(isum.convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc0));
            x = I_VECTOR.cast(S_VECTOR.cast(sum1).reinterpretShape(I, 0));
            isum = x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            half = scaleBits1;
            scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
            acc1 = F_VECTOR.cast(isum.convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc1));
            x = I_VECTOR.cast(S_VECTOR.cast(sum2).reinterpretShape(I, 0));
            isum = x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            half = scaleBits2;
            scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
            acc2 = F_VECTOR.cast(isum.convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc2));
            x = I_VECTOR.cast(S_VECTOR.cast(sum3).reinterpretShape(I, 0));
            isum = x.add(x.lanewise(LSHL, 16)).lanewise(ASHR, 16);
            half = scaleBits3;
            scales = F_VECTOR.cast(half.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
            acc3 = F_VECTOR.cast(isum.convertShape(I2F, F, 0)).fma(scales.mul(dy), F_VECTOR.cast(acc3));
        }
        F_VECTOR.cast(acc0).intoArray(out, at);
        F_VECTOR.cast(acc1).intoArray(out, at + FLOATS);
        F_VECTOR.cast(acc2).intoArray(out, at2);
        F_VECTOR.cast(acc3).intoArray(out, at2 + FLOATS);
    }

    @Override
    void prepare(Activations a) {
        a.nibblePairs();
    }

    @Override
    boolean accept(byte[] rows) {
        return blockHalvesFinite(rows, BLOCK, 0);
    }

    @Override
    void repackGroup(byte[] from, int rowBytes, byte[] to, int cols) {
        repackScaledBlocks(from, rowBytes, to, cols, BLOCK);
    }

    /** Run m's low nibbles are columns {@code 2m, 2m + 1} of the block, its high nibbles {@code 16 + 2m, 17 + 2m}. */
    @Override
    void expandColumns(byte[] w, int g, int cols, int fromBlock, int toBlock, float[] dst, int at, Scratch s) {
        float[] scales = s.floats(GROUP);
        int group = (int) groupOffset(g, cols);
        for (int b = fromBlock; b < toBlock; b++) {
            int p = group + b * GROUP_BLOCK;
            runHalves(w, p, scales);
            int column = at + (b - fromBlock) * 32 * GROUP;
            for (int m = 0; m < 8; m++) {
                for (int h = 0; h < RUN; h += SHORTS) {
                    int r = h / 2;
                    ShortVector v = (ShortVector) ByteVector.fromArray(B_HALF, w, p + RUN + RUN * m + h).convertShape(ZERO_EXTEND_B2S, S, 0);
                    FloatVector scale = FloatVector.fromArray(F, scales, r);
                    IntVector low = v.and((short) 0xF).sub((short) 8).reinterpretAsInts();
                    IntVector high = v.lanewise(LSHR, 4).sub((short) 8).reinterpretAsInts();
                    ((FloatVector) low.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).mul(scale)
                            .intoArray(dst, column + 2 * m * GROUP + r);
                    ((FloatVector) low.lanewise(ASHR, 16).convert(I2F, 0)).mul(scale)
                            .intoArray(dst, column + (2 * m + 1) * GROUP + r);
                    ((FloatVector) high.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).mul(scale)
                            .intoArray(dst, column + (16 + 2 * m) * GROUP + r);
                    ((FloatVector) high.lanewise(ASHR, 16).convert(I2F, 0)).mul(scale)
                            .intoArray(dst, column + (17 + 2 * m) * GROUP + r);
                }
            }
        }
    }
}
