package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.B;
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

import io.wasmchord.io.LittleEndian;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q4_K repacked in groups of GROUP rows (see {@link InterleavedKernel}). Per block of 256 columns
 * a group takes GROUP x 144 bytes: the rows' fp16 d (a run) and dmin (a run), then the three 32-bit
 * words of their packed 6-bit scales and minimums, word by word (3 x 4 x GROUP bytes: one int lane per
 * row, unpacked for all rows at once), then 64 runs of quants re-paired so that a byte's two nibbles
 * share a sub-block: byte {@code 2r + e} of run {@code 8s + m} is row r's values {@code 2m + e} (low
 * nibble) and {@code 16 + 2m + e} (high) of sub-block s. As in {@link Q4_0x8Kernel}, the whole byte
 * meets the low nibble's activation pair and its high nibble the pair {@code x_hi - 16 x_lo}, so no
 * mask is needed (+5.9% from L3 at 1 thread, +2.6-5.1% from memory at 2, against the file's pairing of
 * sub-blocks 2i and 2i + 1 in a byte); both pairs are read in run order from
 * {@link Activations#runPairs}. A lane's true sum per sub-block is 16 products of at most 15 x 127
 * (30,480), so its 16-bit sum, wrapped on the way, ends exact; the sums are widened and times the
 * sub-block's scales once per sub-block, the minimums go through the activations' sums of 32 as in the
 * plain kernel. Two groups a pass, paired far apart ({@link #twoBlocks}). A block's head (d, dmin, the
 * words) is read first, its quants after: read in file order. Read at the block's end, as up to session
 * 10, the lines of d, dmin and the minimums' word came after the 4 KB of quants that follow them, each a
 * demand miss per block (on Zen 5, one thread from memory, reading the head first ran 1.94-2.16x, two
 * threads 1.88x, from cache 1.08x).
 */
final class Q4_Kx8Kernel extends InterleavedKernel {
    private static final int BLOCK = 144;
    private static final int GROUP_BLOCK = GROUP * BLOCK;
    private static final int DMIN = RUN;
    private static final int WORDS = 2 * RUN;
    /** Bytes of one of the three words for all rows. */
    private static final int WORD = 4 * GROUP;
    private static final int QS = WORDS + 3 * WORD;

    Q4_Kx8Kernel(RowKernel plain, int rows) {
        super(plain, rows);
    }

    @Override
    void dotGroups(byte[] w, int offset, int groups, Activations a, int t, float[] out, int at) {
        int blocks = a.cols >> 8;
        int p0 = t * (a.cols >> 1);
        int s0 = t * (a.cols >> 5);
        int di = t * blocks;
        int stride = blocks * GROUP_BLOCK;
        // Group g of the first half with group g of the second: two streams far apart (see InterleavedKernel).
        int pairs = groups >> 1;
        for (int g = 0; g < pairs; g++, offset += stride, at += GROUP) {
            int at2 = at + pairs * GROUP;
            Arrays.fill(out, at, at + GROUP, 0f);
            Arrays.fill(out, at2, at2 + GROUP, 0f);
            for (int b = 0; b < blocks; b++) {
                twoBlocks(w, offset + b * GROUP_BLOCK, pairs * stride, a, p0 + 128 * b, s0 + 8 * b, a.d[di + b], out, at, at2);
            }
        }
        offset += pairs * stride;
        at += pairs * GROUP;
        for (int g = 2 * pairs; g < groups; g++, offset += stride, at += GROUP) {
            // The group's accumulators live in out until its last block: a call per block keeps C2's graph small
            // enough to inline every vector helper (the whole loop in one method hit C2's node limit, and its
            // vectors ran boxed).
            Arrays.fill(out, at, at + GROUP, 0f);
            for (int b = 0; b < blocks; b++) {
                block(w, offset + b * GROUP_BLOCK, a, p0 + 128 * b, s0 + 8 * b, a.d[di + b], out, at);
            }
        }
    }

    /**
     * One block of a group at {@code w[p]} into the group's accumulators {@code out[at, at + GROUP)}: plus d
     * times its sums of scales times quant dots, less dmin times its minimums times the activations' sums
     * of 32 (per block, as ggml's dot). Written out without helpers: every call in a method this size
     * costs C2 nodes for the whole frame, and helpers pushed it past C2's inlining limit.
     */
    private static void block(byte[] w, int p, Activations a, int pi, int si, float dy, float[] out, int at) {
        int[] pairs = a.runPairs();
        // The block's head first (d, dmin, minimums: see the class comment), its quants after.
        subtractMinimums(w, p, a.sums32, si, dy, out, at);
        IntVector h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
        FloatVector d0 = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
        h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
        FloatVector d1 = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
        IntVector u0 = I_VECTOR.cast(ByteVector.fromArray(B, w, p + WORDS).reinterpretShape(I, 0));
        IntVector u2 = I_VECTOR.cast(ByteVector.fromArray(B, w, p + WORDS + 2 * WORD).reinterpretShape(I, 0));
        IntVector v0 = I_VECTOR.cast(ByteVector.fromArray(B, w, p + WORDS + 2 * SHORTS).reinterpretShape(I, 0));
        IntVector v2 = I_VECTOR.cast(ByteVector.fromArray(B, w, p + WORDS + 2 * WORD + 2 * SHORTS).reinterpretShape(I, 0));
        // The rows' 6-bit scales of sub-blocks 0-3 and 4-7, one byte each, unpacked as ggml does; per half.
        IntVector scales0 = u0.and(0x3F3F3F3F);
        IntVector scales4 = u2.and(0x0F0F0F0F).or(u0.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4));
        IntVector scales1 = v0.and(0x3F3F3F3F);
        IntVector scales5 = v2.and(0x0F0F0F0F).or(v0.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4));
        IntVector isum0 = IntVector.zero(I);
        IntVector isum1 = IntVector.zero(I);
        ShortVector sum0 = ShortVector.zero(S);
        ShortVector sum1 = ShortVector.zero(S);
        // One loop over the block's 64 runs, two a trip, both halves of the group each; every 4 trips (a
        // sub-block) the short sums are widened and times the scales. One loop, not one per sub-block: C2
        // then checks the arrays' bounds once per block.
        for (int k = 0; k < 32; k++) {
            int q = p + QS + 2 * RUN * k;
            int x = pi + 4 * k;
            // A byte times the low nibble's pair, then its high nibble times the telescoped pair: no mask.
            ShortVector lowPair = S_VECTOR.cast(IntVector.broadcast(I, pairs[x]).reinterpretShape(S, 0));
            ShortVector highPair = S_VECTOR.cast(IntVector.broadcast(I, pairs[x + 2]).reinterpretShape(S, 0));
            ShortVector v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q).convertShape(ZERO_EXTEND_B2S, S, 0));
            ShortVector a0 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
            ShortVector a1 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair));
            lowPair = S_VECTOR.cast(IntVector.broadcast(I, pairs[x + 1]).reinterpretShape(S, 0));
            highPair = S_VECTOR.cast(IntVector.broadcast(I, pairs[x + 3]).reinterpretShape(S, 0));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN).convertShape(ZERO_EXTEND_B2S, S, 0));
            sum0 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair)).add(a0).add(S_VECTOR.cast(sum0));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
            sum1 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair)).add(a1).add(S_VECTOR.cast(sum1));
            if ((k & 3) == 3) {
                // Sub-block k / 4: lane pairs added, times the rows' scales.
                int shift = 8 * ((k >> 2) & 3);
                IntVector sc = I_VECTOR.cast(k < 16 ? scales0 : scales4);
                IntVector x0 = I_VECTOR.cast(S_VECTOR.cast(sum0).reinterpretShape(I, 0));
                isum0 = x0.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x0.lanewise(ASHR, 16)).mul(sc.lanewise(LSHR, shift).and(0xFF))
                        .add(I_VECTOR.cast(isum0));
                sc = I_VECTOR.cast(k < 16 ? scales1 : scales5);
                IntVector x1 = I_VECTOR.cast(S_VECTOR.cast(sum1).reinterpretShape(I, 0));
                isum1 = x1.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x1.lanewise(ASHR, 16)).mul(sc.lanewise(LSHR, shift).and(0xFF))
                        .add(I_VECTOR.cast(isum1));
                sum0 = ShortVector.zero(S);
                sum1 = ShortVector.zero(S);
            }
        }
        // The rows' fp16 d (finite, see accept) converted exactly as Q4_0x8Kernel's scales, the 2^112 folded into dy.
        float scaled = dy * 0x1p112f;
        F_VECTOR.cast(I_VECTOR.cast(isum0).convertShape(I2F, F, 0)).fma(F_VECTOR.cast(d0).mul(scaled), FloatVector.fromArray(F, out, at)).intoArray(out, at);
        F_VECTOR.cast(I_VECTOR.cast(isum1).convertShape(I2F, F, 0)).fma(F_VECTOR.cast(d1).mul(scaled), FloatVector.fromArray(F, out, at + FLOATS)).intoArray(out, at + FLOATS);
    }

    /**
     * {@link #block} for two groups, at {@code w[p]} and {@code w[p + stride]}, into {@code out[at]} and
     * {@code out[at2]}: both groups' runs each trip, so two streams of weights are in flight (see
     * InterleavedKernel; against one group at a time 1.07 from cache, 1.23-1.30 from memory at 2 threads,
     * TinyLlama Q4_K_M decode 1.09). Written out as block is. On Zen 3's 16 vector registers such a pass
     * spilled (session 10); AVX-512's 32 hold it.
     */
    private static void twoBlocks(byte[] w, int p, int stride, Activations a, int pi, int si, float dy, float[] out, int at, int at2) {
        int p2 = p + stride;
        subtractMinimums(w, p, a.sums32, si, dy, out, at);
        subtractMinimums(w, p2, a.sums32, si, dy, out, at2);
        IntVector h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
        FloatVector d0 = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
        h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
        FloatVector d1 = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
        h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p2).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
        FloatVector d2 = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
        h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p2 + SHORTS).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
        FloatVector d3 = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0));
        int[] pairs = a.runPairs();
        IntVector u0 = I_VECTOR.cast(ByteVector.fromArray(B, w, p + WORDS).reinterpretShape(I, 0));
        IntVector u2 = I_VECTOR.cast(ByteVector.fromArray(B, w, p + WORDS + 2 * WORD).reinterpretShape(I, 0));
        IntVector v0 = I_VECTOR.cast(ByteVector.fromArray(B, w, p + WORDS + 2 * SHORTS).reinterpretShape(I, 0));
        IntVector v2 = I_VECTOR.cast(ByteVector.fromArray(B, w, p + WORDS + 2 * WORD + 2 * SHORTS).reinterpretShape(I, 0));
        // The rows' 6-bit scales of sub-blocks 0-3 and 4-7, one byte each, unpacked as ggml does; per half.
        IntVector scales0 = u0.and(0x3F3F3F3F);
        IntVector scales4 = u2.and(0x0F0F0F0F).or(u0.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4));
        IntVector scales1 = v0.and(0x3F3F3F3F);
        IntVector scales5 = v2.and(0x0F0F0F0F).or(v0.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4));
        u0 = I_VECTOR.cast(ByteVector.fromArray(B, w, p2 + WORDS).reinterpretShape(I, 0));
        u2 = I_VECTOR.cast(ByteVector.fromArray(B, w, p2 + WORDS + 2 * WORD).reinterpretShape(I, 0));
        v0 = I_VECTOR.cast(ByteVector.fromArray(B, w, p2 + WORDS + 2 * SHORTS).reinterpretShape(I, 0));
        v2 = I_VECTOR.cast(ByteVector.fromArray(B, w, p2 + WORDS + 2 * WORD + 2 * SHORTS).reinterpretShape(I, 0));
        IntVector scales20 = u0.and(0x3F3F3F3F);
        IntVector scales24 = u2.and(0x0F0F0F0F).or(u0.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4));
        IntVector scales21 = v0.and(0x3F3F3F3F);
        IntVector scales25 = v2.and(0x0F0F0F0F).or(v0.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4));
        IntVector isum0 = IntVector.zero(I);
        IntVector isum1 = IntVector.zero(I);
        ShortVector sum0 = ShortVector.zero(S);
        ShortVector sum1 = ShortVector.zero(S);
        IntVector isum2 = IntVector.zero(I);
        IntVector isum3 = IntVector.zero(I);
        ShortVector sum2 = ShortVector.zero(S);
        ShortVector sum3 = ShortVector.zero(S);
        // As in block: one loop over the block's 64 runs, two a trip, both halves of both groups each.
        for (int k = 0; k < 32; k++) {
            int q = p + QS + 2 * RUN * k;
            int x = pi + 4 * k;
            // A byte times the low nibble's pair, then its high nibble times the telescoped pair: no mask.
            ShortVector lowPair = S_VECTOR.cast(IntVector.broadcast(I, pairs[x]).reinterpretShape(S, 0));
            ShortVector highPair = S_VECTOR.cast(IntVector.broadcast(I, pairs[x + 2]).reinterpretShape(S, 0));
            ShortVector v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q).convertShape(ZERO_EXTEND_B2S, S, 0));
            ShortVector a0 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
            ShortVector a1 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride).convertShape(ZERO_EXTEND_B2S, S, 0));
            ShortVector a2 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
            ShortVector a3 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair));
            lowPair = S_VECTOR.cast(IntVector.broadcast(I, pairs[x + 1]).reinterpretShape(S, 0));
            highPair = S_VECTOR.cast(IntVector.broadcast(I, pairs[x + 3]).reinterpretShape(S, 0));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN).convertShape(ZERO_EXTEND_B2S, S, 0));
            sum0 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair)).add(a0).add(S_VECTOR.cast(sum0));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + RUN + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
            sum1 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair)).add(a1).add(S_VECTOR.cast(sum1));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride + RUN).convertShape(ZERO_EXTEND_B2S, S, 0));
            sum2 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair)).add(a2).add(S_VECTOR.cast(sum2));
            v = S_VECTOR.cast(ByteVector.fromArray(B_HALF, w, q + stride + RUN + SHORTS).convertShape(ZERO_EXTEND_B2S, S, 0));
            sum3 = v.mul(lowPair).add(v.lanewise(LSHR, 4).mul(highPair)).add(a3).add(S_VECTOR.cast(sum3));
            if ((k & 3) == 3) {
                // Sub-block k / 4: lane pairs added, times the rows' scales.
                int shift = 8 * ((k >> 2) & 3);
                IntVector sc = I_VECTOR.cast(k < 16 ? scales0 : scales4);
                IntVector x0 = I_VECTOR.cast(S_VECTOR.cast(sum0).reinterpretShape(I, 0));
                isum0 = x0.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x0.lanewise(ASHR, 16)).mul(sc.lanewise(LSHR, shift).and(0xFF))
                        .add(I_VECTOR.cast(isum0));
                sc = I_VECTOR.cast(k < 16 ? scales1 : scales5);
                IntVector x1 = I_VECTOR.cast(S_VECTOR.cast(sum1).reinterpretShape(I, 0));
                isum1 = x1.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x1.lanewise(ASHR, 16)).mul(sc.lanewise(LSHR, shift).and(0xFF))
                        .add(I_VECTOR.cast(isum1));
                sc = I_VECTOR.cast(k < 16 ? scales20 : scales24);
                x0 = I_VECTOR.cast(S_VECTOR.cast(sum2).reinterpretShape(I, 0));
                isum2 = x0.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x0.lanewise(ASHR, 16)).mul(sc.lanewise(LSHR, shift).and(0xFF))
                        .add(I_VECTOR.cast(isum2));
                sc = I_VECTOR.cast(k < 16 ? scales21 : scales25);
                x1 = I_VECTOR.cast(S_VECTOR.cast(sum3).reinterpretShape(I, 0));
                isum3 = x1.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x1.lanewise(ASHR, 16)).mul(sc.lanewise(LSHR, shift).and(0xFF))
                        .add(I_VECTOR.cast(isum3));
                sum0 = ShortVector.zero(S);
                sum1 = ShortVector.zero(S);
                sum2 = ShortVector.zero(S);
                sum3 = ShortVector.zero(S);
            }
        }
        float scaled = dy * 0x1p112f;
        F_VECTOR.cast(I_VECTOR.cast(isum0).convertShape(I2F, F, 0)).fma(F_VECTOR.cast(d0).mul(scaled), FloatVector.fromArray(F, out, at)).intoArray(out, at);
        F_VECTOR.cast(I_VECTOR.cast(isum1).convertShape(I2F, F, 0)).fma(F_VECTOR.cast(d1).mul(scaled), FloatVector.fromArray(F, out, at + FLOATS)).intoArray(out, at + FLOATS);
        F_VECTOR.cast(I_VECTOR.cast(isum2).convertShape(I2F, F, 0)).fma(F_VECTOR.cast(d2).mul(scaled), FloatVector.fromArray(F, out, at2)).intoArray(out, at2);
        F_VECTOR.cast(I_VECTOR.cast(isum3).convertShape(I2F, F, 0)).fma(F_VECTOR.cast(d3).mul(scaled), FloatVector.fromArray(F, out, at2 + FLOATS)).intoArray(out, at2 + FLOATS);
    }
    /**
     * Less the block's minimums, both halves of the group: dmin (at {@code w[p + DMIN]}) times the rows'
     * 6-bit minimums (unpacked as ggml does) times the activations' sums of 32, over the block's 8
     * sub-blocks. Its own call, as {@link #block}'s comment says; one call for both halves rather than
     * one each: +3% (in-JVM pairs, from L3 and from memory, bit-identical).
     */
    private static void subtractMinimums(byte[] w, int p, int[] sums, int si, float dy, float[] out, int at) {
        int s0 = sums[si], s1 = sums[si + 1], s2 = sums[si + 2], s3 = sums[si + 3];
        int s4 = sums[si + 4], s5 = sums[si + 5], s6 = sums[si + 6], s7 = sums[si + 7];
        for (int half = 0; half < 2; half++) {
            int words = p + WORDS + 2 * SHORTS * half;
            IntVector u1 = I_VECTOR.cast(ByteVector.fromArray(B, w, words + WORD).reinterpretShape(I, 0));
            IntVector u2 = I_VECTOR.cast(ByteVector.fromArray(B, w, words + 2 * WORD).reinterpretShape(I, 0));
            IntVector m0 = u1.and(0x3F3F3F3F);
            IntVector m1 = u2.lanewise(LSHR, 4).and(0x0F0F0F0F).or(u1.lanewise(LSHR, 6).and(0x03030303).lanewise(LSHL, 4));
            IntVector minSum = m0.and(0xFF).mul(s0)
                    .add(m0.lanewise(LSHR, 8).and(0xFF).mul(s1))
                    .add(m0.lanewise(LSHR, 16).and(0xFF).mul(s2))
                    .add(m0.lanewise(LSHR, 24).mul(s3))
                    .add(m1.and(0xFF).mul(s4))
                    .add(m1.lanewise(LSHR, 8).and(0xFF).mul(s5))
                    .add(m1.lanewise(LSHR, 16).and(0xFF).mul(s6))
                    .add(m1.lanewise(LSHR, 24).mul(s7));
            IntVector h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p + DMIN + SHORTS * half).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
            FloatVector dmin = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0)).mul(0x1p112f);
            int o = at + FLOATS * half;
            F_VECTOR.cast(minSum.convertShape(I2F, F, 0)).fma(dmin.mul(-dy), FloatVector.fromArray(F, out, o)).intoArray(out, o);
        }
    }

    @Override
    boolean accept(byte[] rows) {
        return blockHalvesFinite(rows, BLOCK, 0, 2);
    }

    @Override
    void prepare(Activations a) {
        a.runPairs();
    }

    @Override
    void repackGroup(byte[] from, int rowBytes, byte[] to, int cols) {
        byte[] quants = new byte[128];
        for (int b = 0; b < cols >> 8; b++) {
            int at = b * GROUP_BLOCK;
            for (int r = 0; r < GROUP; r++) {
                int row = r * rowBytes + b * BLOCK;
                interleaveRuns(from, row, to, at, r, 1);
                interleaveRuns(from, row + 2, to, at + DMIN, r, 1);
                for (int word = 0; word < 3; word++) {
                    for (int k = 0; k < 4; k++) {
                        to[at + WORDS + WORD * word + 4 * r + k] = from[row + 4 + 4 * word + k];
                    }
                }
                interleaveRuns(repaired(from, row + 16, quants), 0, to, at + QS, r, 64);
            }
        }
    }

    /**
     * The 128 quant bytes of a file-layout block at {@code from[at]}, re-paired into {@code quants}: byte
     * {@code 16s + l} holds values l (low nibble) and l + 16 (high) of sub-block s. The file pairs value
     * l of sub-blocks 2i and 2i + 1 instead; with both nibbles under one scale, the mat-vec needs no mask.
     */
    private static byte[] repaired(byte[] from, int at, byte[] quants) {
        for (int s = 0; s < 8; s++) {
            for (int l = 0; l < 16; l++) {
                quants[16 * s + l] = (byte) (nibble(from, at, s, l) | nibble(from, at, s, l + 16) << 4);
            }
        }
        return quants;
    }

    /** Value i of sub-block s of the file-layout quants at {@code from[at]}. */
    private static int nibble(byte[] from, int at, int s, int i) {
        int b = from[at + 32 * (s >> 1) + i];
        return (s & 1) == 0 ? b & 0xF : b >> 4 & 0xF;
    }

    /**
     * Run {@code 8s + m}'s low nibbles are columns {@code 32s + 2m, + 1} of the block, its high nibbles
     * columns {@code 32s + 16 + 2m, + 1}, all of sub-block s; each sub-block's rows get
     * {@code d * scale} and {@code dmin * min}, unpacked per row once per block.
     */
    @Override
    void expandColumns(byte[] w, int g, int cols, int fromBlock, int toBlock, float[] dst, int at, Scratch s) {
        float[] f = s.floats(18 * GROUP);
        int dAt = 16 * GROUP;
        int dminAt = 17 * GROUP;
        int group = (int) groupOffset(g, cols);
        for (int b = fromBlock; b < toBlock; b++) {
            int p = group + b * GROUP_BLOCK;
            // Sub-block j's scales of the rows at f[j * GROUP], its minimums at f[(8 + j) * GROUP].
            for (int r = 0; r < GROUP; r++) {
                float d = Float.float16ToFloat(LittleEndian.getShort(w, p + 2 * r));
                float dmin = Float.float16ToFloat(LittleEndian.getShort(w, p + DMIN + 2 * r));
                int u0 = LittleEndian.getInt(w, p + WORDS + 4 * r);
                int u1 = LittleEndian.getInt(w, p + WORDS + WORD + 4 * r);
                int u2 = LittleEndian.getInt(w, p + WORDS + 2 * WORD + 4 * r);
                long scales = Simd.kScales(u0, u2);
                long mins = Simd.kMins(u1, u2);
                for (int j = 0; j < 8; j++) {
                    f[j * GROUP + r] = d * ((scales >>> (8 * j)) & 0xFF);
                    f[(8 + j) * GROUP + r] = dmin * ((mins >>> (8 * j)) & 0xFF);
                }
            }
            int column = at + (b - fromBlock) * 256 * GROUP;
            for (int run = 0; run < 64; run++) {
                int sb = run >> 3;
                int m = run & 7;
                int lowColumn = column + (32 * sb + 2 * m) * GROUP;
                int highColumn = lowColumn + 16 * GROUP;
                for (int h = 0; h < RUN; h += SHORTS) {
                    int r = h / 2;
                    ShortVector v = (ShortVector) ByteVector.fromArray(B_HALF, w, p + QS + RUN * run + h).convertShape(ZERO_EXTEND_B2S, S, 0);
                    IntVector low = v.and((short) 0xF).reinterpretAsInts();
                    IntVector high = v.lanewise(LSHR, 4).reinterpretAsInts();
                    FloatVector scale = FloatVector.fromArray(F, f, sb * GROUP + r);
                    FloatVector min = FloatVector.fromArray(F, f, (8 + sb) * GROUP + r);
                    ((FloatVector) low.and(0xFFFF).convert(I2F, 0)).mul(scale).sub(min).intoArray(dst, lowColumn + r);
                    ((FloatVector) low.lanewise(LSHR, 16).convert(I2F, 0)).mul(scale).sub(min).intoArray(dst, lowColumn + GROUP + r);
                    ((FloatVector) high.and(0xFFFF).convert(I2F, 0)).mul(scale).sub(min).intoArray(dst, highColumn + r);
                    ((FloatVector) high.lanewise(LSHR, 16).convert(I2F, 0)).mul(scale).sub(min).intoArray(dst, highColumn + GROUP + r);
                }
            }
        }
    }
}
