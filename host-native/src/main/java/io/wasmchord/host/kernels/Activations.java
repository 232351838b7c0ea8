package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;
import static io.wasmchord.host.kernels.Simd.F_VECTOR;
import static io.wasmchord.host.kernels.Simd.I;
import static io.wasmchord.host.kernels.Simd.I_HALF;
import static io.wasmchord.host.kernels.Simd.I_HALF_VECTOR;
import static io.wasmchord.host.kernels.Simd.I_VECTOR;
import static io.wasmchord.host.kernels.Simd.S;
import static io.wasmchord.host.kernels.Simd.SHORTS;
import static io.wasmchord.host.kernels.Simd.S_HALF;
import static io.wasmchord.host.kernels.Simd.S_HALF_VECTOR;
import static io.wasmchord.host.kernels.Simd.S_VECTOR;

import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.quant.Half;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Activation rows encoded as llama.cpp encodes them for a weight type's dot product (its vec-dot type),
 * then unpacked into flat arrays the SIMD kernels read with aligned vector loads: quants widened to
 * shorts, one scale per block, and the per-block sums the formats with minimums need. Encoding goes
 * through the reference quantizer, so the values are bit-identical to the scalar path's.
 */
final class Activations {
    GgmlType type;
    int cols;
    int rows;
    /** Reference encoding of every row, rowBytes apart (for the scalar fallback kernels). */
    byte[] raw = new byte[0];
    int rowBytes;
    /** Quants of Q8_0 / Q8_1 / Q8_K, row-major, cols per row. */
    short[] q = new short[0];
    /** Block scales: cols/32 per row (Q8_0, Q8_1) or cols/256 (Q8_K). */
    float[] d = new float[0];
    /** Q8_1: d times the sum of the block's quants, per block of 32. */
    float[] s = new float[0];
    /** Q8_K: the sum of each run of 16 quants, cols/16 per row. */
    int[] sums16 = new int[0];
    /** Q8_K: the sum of each run of 32 quants (two runs of 16), cols/32 per row: the minimums of Q4_K and Q5_K. */
    int[] sums32 = new int[0];
    /** Q8_0, Q8_K: quants 2k and 2k + 1 as the low and high halves of one int, cols/2 per row (broadcast by {@link InterleavedKernel}s). */
    int[] pairs = new int[0];
    /**
     * Q8_0, per block (cols/32 per row): minus 8 times the sum of its 32 quants, wrapped to 16 bits, in an
     * int's low half: where a Q4_0 block's 16-bit sums start (see {@link Q4_0x8Kernel}), ready to broadcast.
     */
    int[] offsetStarts = new int[0];
    /**
     * Q8_0, per block: d times 2^112, the fp16 exponent's bias folded in (see {@link Q4_0x8Kernel}). Made
     * with the encoding, so that the kernels broadcast it from memory: per block and row, the scalar
     * work and broadcasts from registers were a few percent of the four-row pass.
     */
    float[] scaledD = new float[0];
    /** The Q4_0 nibble pairs of this encoding (see {@link #nibblePairs}), once made. */
    private int[] nibblePairs = new int[0];
    private boolean nibblePairsValid;
    /** The Q4_K pair order of this encoding (see {@link #runPairs}), once made. */
    private int[] runPairs = new int[0];
    private boolean runPairsValid;
    /**
     * Q8_K: per sub-block of 16, the {@link #SIX_BIT_PAIRS} pairs of 16-bit values (wrapped) a repacked Q6_K
     * sub-block meets (see {@link Q6_Kx8Kernel}), each as one int that the kernel broadcasts, cols/16 x
     * SIX_BIT_PAIRS per row. With A_i the pair of quants {@code (2i, 2i + 1)} of the sub-block: -32 times
     * the sums of its even and of its odd quants; then for m in [0, 4), A_m and A_(m+4) - 256 A_m.
     */
    private int[] sixBitPairs = new int[0];
    private boolean sixBitValid;
    static final int SIX_BIT_PAIRS = 9;
    /** Float types: the values as the weight type rounds them (F16, BF16) or as they are (F32). */
    float[] f = new float[0];
    private float[] rounded = new float[0];
    private float[] expanded = new float[0];
    private boolean expandedValid;

    /** Encodes as below, through the reference quantizer (its bytes kept): what the tests compare against. */
    void encode(GgmlType type, float[] x, int cols, int rows) {
        encode(type, x, cols, rows, true);
    }

    /**
     * Encodes rows {@code [0, rows)} of {@code x} (cols apart) for weights whose vec-dot type is {@code type};
     * {@code raw}: also keep the reference encoding's bytes (for {@link ScalarRowKernel}s).
     */
    void encode(GgmlType type, float[] x, int cols, int rows, boolean raw) {
        begin(type, cols, rows);
        int n = cols * rows;
        switch (type) {
            case F32 -> f = x;
            case F16 -> {
                float[] v = f = rounded = grow(rounded, n);
                for (int i = 0; i < n; i++) {
                    v[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
                }
            }
            case BF16 -> {
                float[] v = f = rounded = grow(rounded, n);
                for (int i = 0; i < n; i++) {
                    v[i] = Half.bf16ToFloat(Half.floatToBf16(x[i]));
                }
            }
            case Q8_0 -> {
                if (raw) {
                    encodeQuantized(type, x, cols, rows);
                } else {
                    encodeQ8_0(x, cols * rows);
                }
            }
            case Q8_K -> {
                if (raw) {
                    encodeQuantized(type, x, cols, rows);
                } else {
                    encodeQ8_K(x, cols * rows);
                }
            }
            case Q8_1 -> encodeQuantized(type, x, cols, rows);
            default -> throw new IllegalArgumentException("no activation encoding " + type.displayName);
        }
    }

    private void encodeQuantized(GgmlType type, float[] x, int cols, int rows) {
        rowBytes = (int) type.bytesFor(cols);
        raw = grow(raw, rowBytes * rows);
        for (int t = 0; t < rows; t++) {
            type.format().quantize(x, t * cols, raw, t * rowBytes, cols);
        }
        int blocks = cols / type.blockSize * rows;
        q = grow(q, cols * rows);
        d = grow(d, blocks);
        boolean k = type == GgmlType.Q8_K;
        int quantsAt = k ? 4 : type == GgmlType.Q8_1 ? 4 : 2;
        if (type == GgmlType.Q8_1) {
            s = grow(s, blocks);
        }
        if (k) {
            sums16 = grow(sums16, cols / 16 * rows);
            sums32 = grow(sums32, cols / 32 * rows);
        }
        int bs = type.blockSize;
        boolean q80 = type == GgmlType.Q8_0;
        boolean paired = q80 || k;
        if (paired) {
            pairs = grow(pairs, cols / 2 * rows);
        }
        if (q80) {
            offsetStarts = grow(offsetStarts, blocks);
            scaledD = grow(scaledD, blocks);
        }
        for (int b = 0; b < blocks; b++) {
            int at = b * type.typeSize;
            d[b] = k ? LittleEndian.getFloat(raw, at) : Half.read(raw, at);
            if (type == GgmlType.Q8_1) {
                s[b] = Half.read(raw, at + 2);
            }
            for (int j = 0; j < bs; j++) {
                q[b * bs + j] = raw[at + quantsAt + j];
            }
            if (paired) {
                int sum = 0;
                for (int j = 0; j < bs; j += 2) {
                    byte lo = raw[at + quantsAt + j];
                    byte hi = raw[at + quantsAt + j + 1];
                    pairs[(b * bs + j) >> 1] = (lo & 0xFFFF) | hi << 16;
                    sum += lo + hi;
                }
                if (q80) {
                    offsetStarts[b] = offsetStart(sum);
                    scaledD[b] = d[b] * 0x1p112f;
                }
            }
            if (k) {
                for (int g = 0; g < 16; g++) {
                    sums16[b * 16 + g] = LittleEndian.getShort(raw, at + 4 + 256 + 2 * g);
                }
                for (int g = 0; g < 8; g++) {
                    sums32[b * 8 + g] = sums16[b * 16 + 2 * g] + sums16[b * 16 + 2 * g + 1];
                }
            }
        }
    }

    /**
     * Q8_0 as engine-common's Q8_0 quantizer encodes (scale 127/amax, round half to even, the scale
     * stored as fp16), straight into the unpacked arrays, with vectors: the same float operations in the
     * same order per value, so the same bits.
     */
    private void encodeQ8_0(float[] x, int n) {
        int blocks = n >> 5;
        q = grow(q, n);
        d = grow(d, blocks);
        pairs = grow(pairs, n >> 1);
        offsetStarts = grow(offsetStarts, blocks);
        scaledD = grow(scaledD, blocks);
        encodeQ8_0Blocks(x, 0, blocks, false);
    }

    /** A new encoding: what was derived from the last one is stale. */
    private void begin(GgmlType type, int cols, int rows) {
        this.type = type;
        this.cols = cols;
        this.rows = rows;
        expandedValid = false;
        nibblePairsValid = false;
        runPairsValid = false;
        sixBitValid = false;
    }

    /**
     * Starts a Q8_0 encoding of {@code rows} rows of {@code cols} values whose blocks {@link #encodeQ8_0Blocks}
     * then encode, with their {@link #nibblePairs}, on any threads, each block once (a batch's encoding was a
     * tenth of a stories110M prompt on the calling thread, the others waiting); {@link #finishQ8_0} ends it.
     */
    void startQ8_0(int cols, int rows) {
        begin(GgmlType.Q8_0, cols, rows);
        int n = cols * rows;
        q = grow(q, n);
        d = grow(d, n >> 5);
        pairs = grow(pairs, n >> 1);
        offsetStarts = grow(offsetStarts, n >> 5);
        scaledD = grow(scaledD, n >> 5);
        nibblePairs = grow(nibblePairs, n >> 2);
    }

    /** Blocks {@code [from, to)} of a Q8_0 encoding, and their nibble pairs if {@code nibbles}. */
    void encodeQ8_0Blocks(float[] x, int from, int to, boolean nibbles) {
        for (int b = from; b < to; b++) {
            int in = 32 * b;
            float amax = Simd.largestMagnitude(x, in, 32);
            // F16C's conversions (intrinsics on the JVM): round to nearest even, as Half's.
            float scale = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            d[b] = scale;
            scaledD[b] = scale * 0x1p112f;
            float inverse = amax != 0f ? 127f / amax : 0f;
            offsetStarts[b] = offsetStart(quantize(x, in, 32, inverse));
        }
        if (nibbles) {
            fillNibblePairs(from, to);
        }
    }

    private static int offsetStart(int blockSum) {
        return -8 * blockSum & 0xFFFF;
    }

    /** Ends the encoding {@link #startQ8_0} began, every block encoded: its nibble pairs are made. */
    void finishQ8_0() {
        nibblePairsValid = true;
    }

    /**
     * Q8_0, per block of 32 and m in [0, 8): quants {@code (16 + 2m, 17 + 2m)} minus 16 times quants
     * {@code (2m, 2m + 1)} as the low and high halves of an int (wrapped to 16 bits), cols/4 per row: what
     * a Q4_0 byte's high nibble meets once the whole byte has met the pair {@code (2m, 2m + 1)} (see
     * {@link Q4_0x8Kernel}). Made once per encoding by {@link InterleavedKernel#prepare}, on the calling
     * thread before the mat-vec's parts run on the pool (which only read them).
     */
    int[] nibblePairs() {
        if (type != GgmlType.Q8_0) {
            throw new IllegalStateException("nibble pairs need the Q8_0 encoding, not " + type.displayName);
        }
        if (!nibblePairsValid) {
            int blocks = cols * rows >> 5;
            nibblePairs = grow(nibblePairs, 8 * blocks);
            fillNibblePairs(0, blocks);
            nibblePairsValid = true;
        }
        return nibblePairs;
    }

    /**
     * Per block, 8 pairs: quants 16 + j less 16 times quants j. Full-width vectors only: the half-width
     * species ran in the Vector API's Java fallback, 41% of a stories110M prefill's samples. Where a vector
     * holds more than a half block (512 bits), the second half is loaded and the result stored under masks,
     * so nothing outside the block is read or written (another thread may be encoding the next).
     */
    private void fillNibblePairs(int from, int to) {
        int[] v = nibblePairs;
        short[] q = this.q;
        for (int b = from; b < to; b++) {
            int at = 32 * b;
            if (SHORTS > 16) {
                ShortVector low = ShortVector.fromArray(S, q, at);
                ShortVector high = ShortVector.fromArray(S, q, at + 16, HALF_BLOCK_SHORTS);
                I_VECTOR.cast(high.sub(low.lanewise(VectorOperators.LSHL, 4)).reinterpretShape(I, 0)).intoArray(v, 8 * b, HALF_BLOCK_PAIRS);
            } else {
                for (int j = 0; j < 16; j += SHORTS) {
                    ShortVector low = ShortVector.fromArray(S, q, at + j);
                    ShortVector high = ShortVector.fromArray(S, q, at + 16 + j);
                    I_VECTOR.cast(high.sub(low.lanewise(VectorOperators.LSHL, 4)).reinterpretShape(I, 0)).intoArray(v, 8 * b + (j >> 1));
                }
            }
        }
    }

    /** The first 16 lanes of a short vector, and the 8 ints they make: a half block, where vectors are wider. */
    private static final VectorMask<Short> HALF_BLOCK_SHORTS = S.indexInRange(0, 16);
    private static final VectorMask<Integer> HALF_BLOCK_PAIRS = I.indexInRange(0, 8);

    /**
     * Q8_K, per sub-block of 32 and j in [0, 4): pairs {@code 2j} and {@code 2j + 1} of the sub-block
     * (quants {@code 4j .. 4j + 3}), then for m = 2j, 2j + 1 quants {@code (16 + 2m, 17 + 2m)} minus 16
     * times quants {@code (2m, 2m + 1)} as the halves of an int (wrapped to 16 bits): what a repacked
     * Q4_K run meets in the order {@link Q4_Kx8Kernel}'s loop reads them, at one index that grows by 4 a
     * trip (the low nibble pair, then the whole byte's telescoped high nibble, as {@link #nibblePairs}).
     * Made once per encoding by {@link InterleavedKernel#prepare}, as {@link #nibblePairs}.
     */
    int[] runPairs() {
        if (type != GgmlType.Q8_K) {
            throw new IllegalStateException("run pairs need the Q8_K encoding, not " + type.displayName);
        }
        if (!runPairsValid) {
            int subBlocks = cols * rows >> 5;
            int[] v = runPairs = grow(runPairs, 16 * subBlocks);
            for (int s = 0; s < subBlocks; s++) {
                for (int j = 0; j < 4; j++) {
                    int to = 16 * s + 4 * j;
                    v[to] = pairs[16 * s + 2 * j];
                    v[to + 1] = pairs[16 * s + 2 * j + 1];
                    for (int e = 0; e < 2; e++) {
                        v[to + 2 + e] = lessTimes(pairs[16 * s + 8 + 2 * j + e], 16, pairs[16 * s + 2 * j + e]);
                    }
                }
            }
            runPairsValid = true;
        }
        return runPairs;
    }

    /**
     * Q8_K as engine-common's Q8_K quantizer encodes (scale -127/x of the value of largest magnitude, the
     * first one on a tie; round half to even; at most 127), with its sums of 16 and 32, using vectors.
     */
    private void encodeQ8_K(float[] x, int n) {
        int blocks = n >> 8;
        q = grow(q, n);
        d = grow(d, blocks);
        pairs = grow(pairs, n >> 1);
        sums16 = grow(sums16, n >> 4);
        sums32 = grow(sums32, n >> 5);
        for (int b = 0; b < blocks; b++) {
            int in = 256 * b;
            FloatVector high = FloatVector.fromArray(F, x, in);
            FloatVector low = high;
            for (int j = FLOATS; j < 256; j += FLOATS) {
                FloatVector v = FloatVector.fromArray(F, x, in + j);
                high = v.max(high);
                low = v.min(low);
            }
            float hi = F_VECTOR.cast(high).reduceLanes(VectorOperators.MAX);
            float lo = F_VECTOR.cast(low).reduceLanes(VectorOperators.MIN);
            float max = hi > -lo ? hi : -lo > hi ? lo : firstOfLargestMagnitude(x, in, hi);
            if (max == 0f) {
                java.util.Arrays.fill(q, in, in + 256, (short) 0);
                java.util.Arrays.fill(pairs, in >> 1, (in + 256) >> 1, 0);
                java.util.Arrays.fill(sums16, in >> 4, (in + 256) >> 4, 0);
                java.util.Arrays.fill(sums32, in >> 5, (in + 256) >> 5, 0);
                d[b] = 0f;
                continue;
            }
            float iscale = -127f / max;
            for (int g = 0; g < 16; g++) {
                sums16[(in >> 4) + g] = quantize(x, in + 16 * g, 16, iscale);
            }
            for (int g = 0; g < 8; g++) {
                sums32[(in >> 5) + g] = sums16[(in >> 4) + 2 * g] + sums16[(in >> 4) + 2 * g + 1];
            }
            d[b] = 1 / iscale;
        }
    }

    /**
     * The {@link #sixBitPairs} of a Q8_K encoding, computed once per encoding (only for the matrices that
     * need them): by {@link InterleavedKernel#prepare} on the calling thread before the mat-vec's parts run
     * on the pool, which then only read them.
     */
    int[] sixBitPairs() {
        if (!sixBitValid) {
            if (type != GgmlType.Q8_K) {
                throw new IllegalStateException("six-bit activation pairs need the Q8_K encoding, not " + type.displayName);
            }
            fillSixBitPairs(cols / 16 * rows);
            sixBitValid = true;
        }
        return sixBitPairs;
    }

    /** {@link #sixBitPairs} of the first {@code subBlocks} sub-blocks of 16, from {@link #pairs}. */
    private void fillSixBitPairs(int subBlocks) {
        int[] v = sixBitPairs = grow(sixBitPairs, SIX_BIT_PAIRS * subBlocks);
        int[] pairs = this.pairs;
        for (int s = 0; s < subBlocks; s++) {
            int at = 8 * s;
            int to = SIX_BIT_PAIRS * s;
            int even = 0;
            int odd = 0;
            for (int i = 0; i < 8; i++) {
                even += (short) pairs[at + i];
                odd += pairs[at + i] >> 16;
            }
            v[to] = pair(-32 * even, -32 * odd);
            for (int m = 0; m < 4; m++) {
                int first = pairs[at + m];
                v[to + 1 + 2 * m] = first;
                v[to + 2 + 2 * m] = lessTimes(pairs[at + 4 + m], 256, first);
            }
        }
    }

    private static int lessTimes(int a, int factor, int b) {
        return pair((short) a - factor * (short) b, (a >> 16) - factor * (b >> 16));
    }

    /** Two 16-bit values (wrapped) as the low and high halves of an int. */
    private static int pair(int low, int high) {
        return (low & 0xFFFF) | high << 16;
    }

    /** The first of x[in, in + 256) whose magnitude is {@code hi} (both hi and -hi occur). */
    private static float firstOfLargestMagnitude(float[] x, int in, float hi) {
        for (int j = in; j < in + 256; j++) {
            if (Math.abs(x[j]) == hi) {
                return x[j];
            }
        }
        return hi;
    }

    /**
     * Quantizes {@code count} values of x from {@code in} (a multiple of 16) with {@code scale}: round
     * half to even (adding 1.5 * 2^23 leaves the rounded integer in the low mantissa bits, as
     * engine-common's Rounding does), clamped to [-128, 127]; into {@link #q} and {@link #pairs}.
     * Returns their sum.
     */
    private int quantize(float[] x, int in, int count, float scale) {
        IntVector sum = IntVector.zero(I);
        for (int j = 0; j < count; j += FLOATS) {
            IntVector r = I_VECTOR.cast(FloatVector.fromArray(F, x, in + j).mul(scale).add(12582912f).reinterpretShape(I, 0))
                    .and(0x7FFFFF).sub(0x400000).max(-128).min(127);
            sum = r.add(sum);
            S_HALF_VECTOR.cast(r.convertShape(VectorOperators.I2S, S_HALF, 0)).intoArray(q, in + j);
        }
        // Pairs a vector of shorts at a time, or a half one where count (16) is less than a vector (512 bits).
        if (count % SHORTS == 0) {
            for (int j = 0; j < count; j += SHORTS) {
                I_VECTOR.cast(ShortVector.fromArray(S, q, in + j).reinterpretShape(I, 0)).intoArray(pairs, (in + j) >> 1);
            }
        } else {
            for (int j = 0; j < count; j += FLOATS) {
                I_HALF_VECTOR.cast(ShortVector.fromArray(S_HALF, q, in + j).reinterpretShape(I_HALF, 0)).intoArray(pairs, (in + j) >> 1);
            }
        }
        return I_VECTOR.cast(sum).reduceLanes(VectorOperators.ADD);
    }

    /**
     * The encoded rows as floats, for the float mat-mat: the quantized values times their block scales
     * (exactly what the integer dot multiplies, so only the summation order differs from it), or the
     * (rounded) floats themselves. Computed once per encoding.
     */
    float[] asFloats() {
        if (type == GgmlType.F32 || type == GgmlType.F16 || type == GgmlType.BF16) {
            return f;
        }
        if (!expandedValid) {
            int n = cols * rows;
            expanded = grow(expanded, n);
            int bs = type.blockSize;
            for (int b = 0; b < n / bs; b++) {
                float scale = d[b];
                for (int j = b * bs; j < (b + 1) * bs; j++) {
                    expanded[j] = q[j] * scale;
                }
            }
            expandedValid = true;
        }
        return expanded;
    }

    private static short[] grow(short[] a, int n) {
        return a.length >= n ? a : new short[n];
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    private static int[] grow(int[] a, int n) {
        return a.length >= n ? a : new int[n];
    }

    private static byte[] grow(byte[] a, int n) {
        return a.length >= n ? a : new byte[n];
    }
}
