package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.B;
import static io.wasmchord.host.kernels.Simd.B_HALF;
import static io.wasmchord.host.kernels.Simd.B_QUARTER;
import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.F_VECTOR;
import static io.wasmchord.host.kernels.Simd.I;
import static io.wasmchord.host.kernels.Simd.I_VECTOR;
import static io.wasmchord.host.kernels.Simd.S;
import static io.wasmchord.host.kernels.Simd.S_HALF;
import static io.wasmchord.host.kernels.Simd.S_HALF_VECTOR;
import static io.wasmchord.host.kernels.Simd.S_VECTOR;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

import io.wasmchord.io.LittleEndian;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * Q6_K repacked in groups of GROUP rows (see {@link InterleavedKernel}), its 6-bit values kept in their
 * 4- and 2-bit parts: per block of 256 columns a group takes GROUP x 210 bytes, the size of GROUP file
 * rows, as two half blocks of {@link #SUB} rows one after the other. A half block: the rows' fp16 d; their
 * 16 int8 sub-block scales, sub-block by sub-block (byte {@code SCALES + SUB s + r}); then per sub-block
 * three runs of 16-bit words ({@link #WORDS} bytes each: a vector), word {@code 2r + e} of each holding
 * parts of row r's 8 values of parity e in the sub-block, columns {@code 2i + e} for i in [0, 8). In quant
 * word m (m in [0, 4)) byte 0 stands for value i = m and byte 1 for i = m + 4: the first run's bytes hold
 * the low nibbles of quant words 0 (bits 0-3) and 1 (bits 4-7), the second's those of words 2 and 3, the
 * third's the high 2-bit parts of all four (bits 2m, 2m + 1). The mat-vec takes a block's halves one after
 * the other, each from its own contiguous bytes: with the halves' words side by side in every run (the
 * other formats' layout) it reads only half of each line per pass, and ran 0.94x as fast from memory.
 *
 * <p>The mat-vec puts each quant word together with masks and shifts over whole vectors, in 32-bit lanes
 * (C2 gives a 16-bit shift its count through a general register, two more instructions per shift), as
 * {@code q_m + 256 q_(m+4)} per 16-bit lane. The word times the activation pair A_m plus its upper byte
 * times {@code A_(m+4) - 256 A_m} (ints of {@link Activations#sixBitPairs}, broadcast: 36 bytes per
 * sub-block to read, where pre-broadcast vectors took 9 vectors, more than the weights at 512 bits) is
 * {@code q_m A_m + q_(m+4) A_(m+4)}: one multiply per value, as with values in bytes.
 * The products overflow 16 bits, but 16-bit arithmetic wraps and what they come to does not: each lane
 * starts from -32 times the sum of its 8 activations, so it ends at the sub-block's dot of {@code q - 32},
 * at most 8 x 32 x 127 = 32,512 (Q8_K activations are within +-127). The sums are widened and times the
 * sub-block's scales once per sub-block.
 *
 * <p>Widened to one signed byte per value (the layout up to session 4), Q6_K took GROUP x 274 bytes per
 * block and its mat-vec streamed 30% more from memory than the file's rows hold; that kernel was 8-11%
 * faster from cache (18.8 against 16.8-17.4 GMAC/s, 1 thread, 128 x 2048), this one is faster once the
 * matrix streams from memory. Telescoping each 2- and 4-bit field with its own shift and multiply (no masks) cost
 * two multiplies per value and ran at 6-12 GMAC/s (docs/PERFORMANCE.md, "Q6_K at the file's size").
 *
 * <p>Two groups a pass ({@link #twoGroups}), paired far apart as in InterleavedKernel, as the Q4_0 and Q8_0
 * mat-vecs: also with rows of 3 blocks (stories110M's 768 columns), where adjacent pairs ran at 0.93-0.97
 * on Zen 3 and far pairs at 2.1x one group at a time on Zen 5 (one thread, from memory).
 */
final class Q6_Kx8Kernel extends InterleavedKernel {
    private static final int BLOCK = 210;
    /** Rows of a half group: a block of a group is its two halves' blocks, one after the other. */
    private static final int SUB = GROUP / 2;
    private static final int SCALES = 2 * SUB;
    private static final int VALUES = SCALES + 16 * SUB;
    /** Bytes of a run of 16-bit words: one word per row of the half and parity (a vector). */
    private static final int WORDS = 4 * SUB;
    private static final int SUB_BLOCK = VALUES + 16 * 3 * WORDS;
    private static final int GROUP_BLOCK = 2 * SUB_BLOCK;
    /** Activation pairs per sub-block. */
    private static final int PAIRS = Activations.SIX_BIT_PAIRS;
    private static final int NIBBLES = 0x0F0F0F0F;
    private static final int HIGHS = 0x30303030;
    /**
     * The three masks as int vectors' lanes: loaded once per call from here they stay in registers, where
     * C2 broadcasts a constant again for every use (10 more loads per sub-block, 15.2 against 16.9 GMAC/s).
     */
    private static final int[] MASKS = masks(NIBBLES, HIGHS, 0x00FF00FF);

    Q6_Kx8Kernel(RowKernel plain, int rows) {
        super(plain, rows);
    }

    @Override
    void prepare(Activations a) {
        a.sixBitPairs();
    }

    @Override
    void dotGroups(byte[] w, int offset, int groups, Activations a, int t, float[] out, int at) {
        int blocks = a.cols >> 8;
        int[] six = a.sixBitPairs();
        float[] d = a.d;
        int c0 = t * (a.cols >> 4) * PAIRS;
        int di = t * blocks;
        IntVector nibbles = I_VECTOR.cast(IntVector.fromArray(I, MASKS, 0));
        IntVector highs = I_VECTOR.cast(IntVector.fromArray(I, MASKS, I.length()));
        IntVector lowBytes = I_VECTOR.cast(IntVector.fromArray(I, MASKS, 2 * I.length()));
        int stride = blocks * GROUP_BLOCK;
        // Group g of the first half with group g of the second: two streams far apart (see InterleavedKernel).
        int pairs = groups >> 1;
        for (int g = 0; g < pairs; g++) {
            twoGroups(w, offset + g * stride, pairs * stride, blocks, six, d, c0, di, out, at + g * GROUP, at + (pairs + g) * GROUP);
        }
        int g = 2 * pairs;
        offset += g * stride;
        at += g * GROUP;
        for (; g < groups; g++, offset += blocks * GROUP_BLOCK, at += GROUP) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            for (int b = 0; b < blocks; b++) {
                // The block's halves one after the other: each reads its own SUB_BLOCK bytes, which lie together.
                for (int half = 0; half < 2; half++) {
                    int p = offset + b * GROUP_BLOCK + half * SUB_BLOCK;
                    int ci = c0 + 16 * PAIRS * b;
                    IntVector isum = IntVector.zero(I);
                    for (int sb = 0, words = p + VALUES, k = ci; sb < 16; sb++, words += 3 * WORDS, k += PAIRS) {
                        IntVector low = I_VECTOR.cast(ByteVector.fromArray(B, w, words).reinterpretShape(I, 0));
                        IntVector next = I_VECTOR.cast(ByteVector.fromArray(B, w, words + WORDS).reinterpretShape(I, 0));
                        IntVector high = I_VECTOR.cast(ByteVector.fromArray(B, w, words + 2 * WORDS).reinterpretShape(I, 0));
                        IntVector q0 = low.and(nibbles).or(high.lanewise(LSHL, 4).and(highs));
                        IntVector q1 = low.lanewise(LSHR, 4).and(nibbles).or(high.lanewise(LSHL, 2).and(highs));
                        IntVector q2 = next.and(nibbles).or(high.and(highs));
                        IntVector q3 = next.lanewise(LSHR, 4).and(nibbles).or(high.lanewise(LSHR, 2).and(highs));
                        // Two chains of four products, one from -32 times the activations' sums.
                        ShortVector sum = S_VECTOR.cast(IntVector.broadcast(I, six[k]).reinterpretShape(S, 0));
                        sum = S_VECTOR.cast(q0.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 1]).reinterpretShape(S, 0))).add(sum);
                        ShortVector more = S_VECTOR.cast(q0.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                                .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 2]).reinterpretShape(S, 0)));
                        sum = S_VECTOR.cast(q1.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 3]).reinterpretShape(S, 0))).add(sum);
                        more = S_VECTOR.cast(q1.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                                .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 4]).reinterpretShape(S, 0))).add(more);
                        sum = S_VECTOR.cast(q2.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 5]).reinterpretShape(S, 0))).add(sum);
                        more = S_VECTOR.cast(q2.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                                .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 6]).reinterpretShape(S, 0))).add(more);
                        sum = S_VECTOR.cast(q3.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 7]).reinterpretShape(S, 0))).add(sum);
                        more = S_VECTOR.cast(q3.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                                .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 8]).reinterpretShape(S, 0))).add(more);
                        IntVector x = I_VECTOR.cast(S_VECTOR.cast(sum).add(more).reinterpretShape(I, 0));
                        IntVector scale = I_VECTOR.cast(ByteVector.fromArray(B_QUARTER, w, p + SCALES + SUB * sb)
                                .convertShape(B2I, I, 0));
                        isum = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).mul(scale).add(I_VECTOR.cast(isum));
                    }
                    // The rows' fp16 d, finite (see accept), converted exactly as Q4_0x8Kernel's scales.
                    IntVector h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                    FloatVector scales = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0)).mul(0x1p112f);
                    FloatVector sums = F_VECTOR.cast(I_VECTOR.cast(isum).convertShape(I2F, F, 0));
                    if (half == 0) {
                        acc0 = sums.fma(scales.mul(d[di + b]), F_VECTOR.cast(acc0));
                    } else {
                        acc1 = sums.fma(scales.mul(d[di + b]), F_VECTOR.cast(acc1));
                    }
                }
            }
            F_VECTOR.cast(acc0).intoArray(out, at);
            F_VECTOR.cast(acc1).intoArray(out, at + SUB);
        }
    }

    /**
     * Groups at {@code w[offset]} and {@code w[offset + stride]} in one pass into {@code out[at]} and
     * {@code out[at2]}, as dotGroups does one, each
     * sub-block of the first group's half block then the same of the second's: two streams of weights in
     * flight at once (see Q8_0x8Kernel). The two sub-blocks are written out: as one body in a two-trip
     * loop (the accumulator chosen by an if) C2's code ran at 0.95 from cache and 0.85 from memory.
     */
    private static void twoGroups(byte[] w, int offset, int stride, int blocks, int[] six, float[] d, int c0, int di,
            float[] out, int at, int at2) {
        IntVector nibbles = I_VECTOR.cast(IntVector.fromArray(I, MASKS, 0));
        IntVector highs = I_VECTOR.cast(IntVector.fromArray(I, MASKS, I.length()));
        IntVector lowBytes = I_VECTOR.cast(IntVector.fromArray(I, MASKS, 2 * I.length()));
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            float dy = d[di + b];
            for (int half = 0; half < 2; half++) {
                int p = offset + b * GROUP_BLOCK + half * SUB_BLOCK;
                int p2 = p + stride;
                int ci = c0 + 16 * PAIRS * b;
                IntVector isum = IntVector.zero(I);
                IntVector isum2 = IntVector.zero(I);
                for (int sb = 0, words = p + VALUES, k = ci; sb < 16; sb++, words += 3 * WORDS, k += PAIRS) {
                    IntVector low, next, high, q0, q1, q2, q3, x, scale;
                    ShortVector sum, more;
                    low = I_VECTOR.cast(ByteVector.fromArray(B, w, words).reinterpretShape(I, 0));
                    next = I_VECTOR.cast(ByteVector.fromArray(B, w, words + WORDS).reinterpretShape(I, 0));
                    high = I_VECTOR.cast(ByteVector.fromArray(B, w, words + 2 * WORDS).reinterpretShape(I, 0));
                    q0 = low.and(nibbles).or(high.lanewise(LSHL, 4).and(highs));
                    q1 = low.lanewise(LSHR, 4).and(nibbles).or(high.lanewise(LSHL, 2).and(highs));
                    q2 = next.and(nibbles).or(high.and(highs));
                    q3 = next.lanewise(LSHR, 4).and(nibbles).or(high.lanewise(LSHR, 2).and(highs));
                    sum = S_VECTOR.cast(IntVector.broadcast(I, six[k]).reinterpretShape(S, 0));
                    sum = S_VECTOR.cast(q0.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 1]).reinterpretShape(S, 0))).add(sum);
                    more = S_VECTOR.cast(q0.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                            .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 2]).reinterpretShape(S, 0)));
                    sum = S_VECTOR.cast(q1.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 3]).reinterpretShape(S, 0))).add(sum);
                    more = S_VECTOR.cast(q1.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                            .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 4]).reinterpretShape(S, 0))).add(more);
                    sum = S_VECTOR.cast(q2.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 5]).reinterpretShape(S, 0))).add(sum);
                    more = S_VECTOR.cast(q2.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                            .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 6]).reinterpretShape(S, 0))).add(more);
                    sum = S_VECTOR.cast(q3.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 7]).reinterpretShape(S, 0))).add(sum);
                    more = S_VECTOR.cast(q3.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                            .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 8]).reinterpretShape(S, 0))).add(more);
                    x = I_VECTOR.cast(S_VECTOR.cast(sum).add(more).reinterpretShape(I, 0));
                    scale = I_VECTOR.cast(ByteVector.fromArray(B_QUARTER, w, p + SCALES + SUB * sb).convertShape(B2I, I, 0));
                    isum = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).mul(scale).add(I_VECTOR.cast(isum));
                    low = I_VECTOR.cast(ByteVector.fromArray(B, w, words + stride).reinterpretShape(I, 0));
                    next = I_VECTOR.cast(ByteVector.fromArray(B, w, words + stride + WORDS).reinterpretShape(I, 0));
                    high = I_VECTOR.cast(ByteVector.fromArray(B, w, words + stride + 2 * WORDS).reinterpretShape(I, 0));
                    q0 = low.and(nibbles).or(high.lanewise(LSHL, 4).and(highs));
                    q1 = low.lanewise(LSHR, 4).and(nibbles).or(high.lanewise(LSHL, 2).and(highs));
                    q2 = next.and(nibbles).or(high.and(highs));
                    q3 = next.lanewise(LSHR, 4).and(nibbles).or(high.lanewise(LSHR, 2).and(highs));
                    sum = S_VECTOR.cast(IntVector.broadcast(I, six[k]).reinterpretShape(S, 0));
                    sum = S_VECTOR.cast(q0.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 1]).reinterpretShape(S, 0))).add(sum);
                    more = S_VECTOR.cast(q0.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                            .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 2]).reinterpretShape(S, 0)));
                    sum = S_VECTOR.cast(q1.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 3]).reinterpretShape(S, 0))).add(sum);
                    more = S_VECTOR.cast(q1.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                            .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 4]).reinterpretShape(S, 0))).add(more);
                    sum = S_VECTOR.cast(q2.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 5]).reinterpretShape(S, 0))).add(sum);
                    more = S_VECTOR.cast(q2.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                            .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 6]).reinterpretShape(S, 0))).add(more);
                    sum = S_VECTOR.cast(q3.reinterpretShape(S, 0)).mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 7]).reinterpretShape(S, 0))).add(sum);
                    more = S_VECTOR.cast(q3.lanewise(LSHR, 8).and(lowBytes).reinterpretShape(S, 0))
                            .mul(S_VECTOR.cast(IntVector.broadcast(I, six[k + 8]).reinterpretShape(S, 0))).add(more);
                    x = I_VECTOR.cast(S_VECTOR.cast(sum).add(more).reinterpretShape(I, 0));
                    scale = I_VECTOR.cast(ByteVector.fromArray(B_QUARTER, w, p2 + SCALES + SUB * sb).convertShape(B2I, I, 0));
                    isum2 = x.lanewise(LSHL, 16).lanewise(ASHR, 16).add(x.lanewise(ASHR, 16)).mul(scale).add(I_VECTOR.cast(isum2));
                }
                IntVector h;
                FloatVector scales, sums;
                h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                scales = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0)).mul(0x1p112f);
                sums = F_VECTOR.cast(I_VECTOR.cast(isum).convertShape(I2F, F, 0));
                if (half == 0) {
                    acc0 = sums.fma(scales.mul(dy), F_VECTOR.cast(acc0));
                } else {
                    acc1 = sums.fma(scales.mul(dy), F_VECTOR.cast(acc1));
                }
                h = I_VECTOR.cast(S_HALF_VECTOR.cast(ByteVector.fromArray(B_HALF, w, p2).reinterpretShape(S_HALF, 0)).convertShape(S2I, I, 0));
                scales = F_VECTOR.cast(h.lanewise(LSHL, 13).and(0x8FFFFFFF).reinterpretShape(F, 0)).mul(0x1p112f);
                sums = F_VECTOR.cast(I_VECTOR.cast(isum2).convertShape(I2F, F, 0));
                if (half == 0) {
                    acc2 = sums.fma(scales.mul(dy), F_VECTOR.cast(acc2));
                } else {
                    acc3 = sums.fma(scales.mul(dy), F_VECTOR.cast(acc3));
                }
            }
        }
        F_VECTOR.cast(acc0).intoArray(out, at);
        F_VECTOR.cast(acc1).intoArray(out, at + SUB);
        F_VECTOR.cast(acc2).intoArray(out, at2);
        F_VECTOR.cast(acc3).intoArray(out, at2 + SUB);
    }

    @Override
    boolean accept(byte[] rows) {
        return blockHalvesFinite(rows, BLOCK, 208);
    }

    @Override
    void repackGroup(byte[] from, int rowBytes, byte[] to, int cols) {
        int[] q = new int[256];
        for (int b = 0; b < cols >> 8; b++) {
            for (int rowOfGroup = 0; rowOfGroup < GROUP; rowOfGroup++) {
                int at = halfBlock(b * GROUP_BLOCK, rowOfGroup);
                int r = rowOfGroup % SUB;
                int row = rowOfGroup * rowBytes + b * BLOCK;
                decode(from, row, q);
                to[at + 2 * r] = from[row + 208];
                to[at + 2 * r + 1] = from[row + 209];
                for (int sb = 0; sb < 16; sb++) {
                    to[at + SCALES + SUB * sb + r] = from[row + 192 + sb];
                    for (int e = 0; e < 2; e++) {
                        int words = at + VALUES + 3 * WORDS * sb + 2 * (2 * r + e);
                        for (int half = 0; half < 2; half++) {
                            // Byte `half` of quant word m stands for value i = m + 4 half, column 2i + e.
                            int v = 16 * sb + 8 * half + e;
                            int q0 = q[v];
                            int q1 = q[v + 2];
                            int q2 = q[v + 4];
                            int q3 = q[v + 6];
                            to[words + half] = (byte) ((q0 & 0xF) | (q1 & 0xF) << 4);
                            to[words + WORDS + half] = (byte) ((q2 & 0xF) | (q3 & 0xF) << 4);
                            to[words + 2 * WORDS + half] = (byte) ((q0 >> 4) | (q1 >> 4) << 2 | (q2 >> 4) << 4 | (q3 >> 4) << 6);
                        }
                    }
                }
            }
        }
    }

    /** Where the half block holding row {@code r} of its group starts, in the block at {@code block}. */
    private static int halfBlock(int block, int r) {
        return block + r / SUB * SUB_BLOCK;
    }

    private static int[] masks(int... masks) {
        int lanes = I.length();
        int[] m = new int[masks.length * lanes];
        for (int i = 0; i < m.length; i++) {
            m[i] = masks[i / lanes];
        }
        return m;
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

    /**
     * Sub-block s's quant words put together as in the mat-vec, 32 off every byte: lane {@code 2r + e} of
     * word m holds columns {@code 16s + 2m + e} (byte 0) and {@code 16s + 8 + 2m + e} (byte 1) of row r,
     * each byte sign-extended out of its 32-bit lane and times {@code d * scale}. Written out (a loop over
     * m stays rolled, its shifts by a register). (An fma {@code q * s - 32 s} rounds the same but gives +0
     * where the reference's {@code 0 * s} is -0.)
     */
    @Override
    void expandColumns(byte[] w, int g, int cols, int fromBlock, int toBlock, float[] dst, int at, Scratch s) {
        float[] scales = s.floats(16 * GROUP);
        int group = (int) groupOffset(g, cols);
        IntVector nibbles = IntVector.fromArray(I, MASKS, 0);
        IntVector highs = IntVector.fromArray(I, MASKS, I.length());
        for (int b = fromBlock; b < toBlock; b++) {
            for (int r = 0; r < GROUP; r++) {
                int p = halfBlock(group + b * GROUP_BLOCK, r);
                float d = Float.float16ToFloat(LittleEndian.getShort(w, p + 2 * (r % SUB)));
                for (int sb = 0; sb < 16; sb++) {
                    scales[sb * GROUP + r] = d * w[p + SCALES + SUB * sb + r % SUB];
                }
            }
            int block = at + (b - fromBlock) * 256 * GROUP;
            for (int sb = 0; sb < 16; sb++) {
                for (int r = 0; r < GROUP; r += SUB) {
                    int words = halfBlock(group + b * GROUP_BLOCK, r) + VALUES + 3 * WORDS * sb;
                    IntVector low = ByteVector.fromArray(B, w, words).reinterpretAsInts();
                    IntVector next = ByteVector.fromArray(B, w, words + WORDS).reinterpretAsInts();
                    IntVector high = ByteVector.fromArray(B, w, words + 2 * WORDS).reinterpretAsInts();
                    FloatVector scale = FloatVector.fromArray(F, scales, sb * GROUP + r);
                    IntVector q0 = ((ByteVector) low.and(nibbles).or(high.lanewise(LSHL, 4).and(highs)).reinterpretAsBytes()).sub((byte) 32).reinterpretAsInts();
                    int column0 = block + (16 * sb + 0) * GROUP + r;
                    ((FloatVector) q0.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column0);
                    ((FloatVector) q0.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column0 + GROUP);
                    ((FloatVector) q0.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column0 + 8 * GROUP);
                    ((FloatVector) q0.lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column0 + 9 * GROUP);
                    IntVector q1 = ((ByteVector) low.lanewise(LSHR, 4).and(nibbles).or(high.lanewise(LSHL, 2).and(highs)).reinterpretAsBytes()).sub((byte) 32).reinterpretAsInts();
                    int column1 = block + (16 * sb + 2) * GROUP + r;
                    ((FloatVector) q1.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column1);
                    ((FloatVector) q1.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column1 + GROUP);
                    ((FloatVector) q1.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column1 + 8 * GROUP);
                    ((FloatVector) q1.lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column1 + 9 * GROUP);
                    IntVector q2 = ((ByteVector) next.and(nibbles).or(high.and(highs)).reinterpretAsBytes()).sub((byte) 32).reinterpretAsInts();
                    int column2 = block + (16 * sb + 4) * GROUP + r;
                    ((FloatVector) q2.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column2);
                    ((FloatVector) q2.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column2 + GROUP);
                    ((FloatVector) q2.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column2 + 8 * GROUP);
                    ((FloatVector) q2.lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column2 + 9 * GROUP);
                    IntVector q3 = ((ByteVector) next.lanewise(LSHR, 4).and(nibbles).or(high.lanewise(LSHR, 2).and(highs)).reinterpretAsBytes()).sub((byte) 32).reinterpretAsInts();
                    int column3 = block + (16 * sb + 6) * GROUP + r;
                    ((FloatVector) q3.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column3);
                    ((FloatVector) q3.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column3 + GROUP);
                    ((FloatVector) q3.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column3 + 8 * GROUP);
                    ((FloatVector) q3.lanewise(ASHR, 24).convert(I2F, 0)).mul(scale).intoArray(dst, column3 + 9 * GROUP);
                }
            }
        }
    }
}
