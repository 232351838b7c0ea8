package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.F_VECTOR;
import static io.wasmchord.host.kernels.Simd.FLOATS;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Flash attention of one query position (decoding) over the fp16 cache, with the numerics of
 * {@link FlashAttention}: the query rounded to fp16, one online-softmax pass, the V accumulator rounded
 * to fp16 after every position. A part is a run of kv heads and the query heads that share them: all of
 * them on one thread, half on each of two.
 *
 * <p>The rounding after every position is the cost: C2 reaches the F16C conversions (vcvtps2ph,
 * vcvtph2ps, 8 lanes) only through SuperWord loops ({@link HalfLoops}), which vectorise a loop over a
 * head's 64 values badly (scalar pre- and post-loops) and a loop over two float arrays at different
 * offsets not at all. So every fp16 step works on the whole part at once, hundreds of values per loop:
 * <ul>
 * <li>keys: four positions' rows of all the part's kv heads converted in one loop, then each query's
 * four scores (four FMA chains, four lane sums);</li>
 * <li>the online softmax for a block of 64 positions across the queries, one vector lane per query
 * (maxima, exp(s - max) or exp(old - new) for a position that raises it, sums, in the reference's
 * order), the scores laid out position-major for it;</li>
 * <li>per position, without shared kv heads (stories110M): each query's weight spread over its 64
 * lanes of a row, then one loop of {@code acc[k] = fp16(acc[k] + half(v[row + k]) * weight[k])} over
 * every query's accumulator (the float arrays from index 0: SuperWord takes two float arrays only at
 * one index, it cannot rule out that they are one array);</li>
 * <li>per position, with shared kv heads (TinyLlama's groups of 8): the value row of all kv heads
 * converted in one loop, each query's value times its weight into a row of products (vectors), then one
 * loop of {@code acc[k] = fp16(acc[k] + products[k])};</li>
 * <li>in either, before the sum, the rare rescale of an accumulator whose maximum rose.</li>
 * </ul>
 * Every value is the one the previous code computed (the same exponentials, floored as
 * {@link OnlineSoftmax#EXP_FLOOR} explains; the same FMA order and lane sums; product then sum, never
 * fused): outputs are bit-identical to it once C2 has compiled both (interpreted or C1 code sums vector
 * lanes in another order, in the last bit, as before). Rounding in vector lanes instead (magic-number
 * rounding with integer exponent ops, exact) was 15-20% slower than the SuperWord loops.
 *
 * <p>One thread, best of many calls, 256 positions: stories110M's 12/12 heads of 64 156 -> 67 us per
 * call, TinyLlama's 32/4 267 -> 130 us; one position 2.40 -> 0.95 and 5.27 -> 2.13 us
 * (docs/PERFORMANCE.md, "Decode attention, session 4"). The fp16 rounding of the accumulator is now the
 * largest single cost: ~2 cycles per 8 values on this Zen 3 (vcvtps2ph), ~5 ns per query and position.
 */
final class DecodeAttention implements WorkerPool.Job {
    static final int KEY_BLOCK = 64;

    private float[] q;
    private int qOffset;
    private short[] keys;
    private short[] values;
    private int length;
    private AttentionShape shape;
    private float[] out;
    private int outOffset;
    /** kv heads per part. */
    private int span;
    private Buffers[] scratch = new Buffers[0];

    /** One worker's buffers, for a part of up to {@code span} kv heads. */
    private static final class Buffers {
        final int span;
        final int group;
        final int headDim;
        final float[] queries;
        final float[] acc;
        /** Four positions' keys: row r holds the part's kv heads at one position. */
        final float[] keys;
        /** One position's values over the part's kv heads. */
        final float[] values;
        /** One position's values times each query's weight: {@code [i * headDim + d]}. */
        final float[] products;
        /**
         * Per position of the block and query ({@code [j * lanes + i]}, queries padded to whole vectors):
         * the scores, ...
         */
        final float[] scores;
        /** ... the multiplier of the accumulator (1 unless the position raises the query's maximum) ... */
        final float[] rescale;
        /** ... and the weight of the position's value. */
        final float[] weight;
        /** Whether position j of the block raises any query's maximum. */
        final boolean[] anyRaise = new boolean[KEY_BLOCK];
        /** Per query (padded): the running maximum and sum. */
        final float[] max;
        final float[] sum;

        Buffers(int span, int group, int headDim) {
            this.span = span;
            this.group = group;
            this.headDim = headDim;
            int heads = span * group;
            int lanes = lanes(heads);
            queries = new float[heads * headDim];
            acc = new float[heads * headDim];
            keys = new float[4 * span * headDim];
            values = new float[span * headDim];
            products = new float[heads * headDim];
            scores = new float[KEY_BLOCK * lanes];
            rescale = new float[KEY_BLOCK * lanes];
            weight = new float[KEY_BLOCK * lanes];
            max = new float[lanes];
            sum = new float[lanes];
        }

        boolean fits(int span, int group, int headDim) {
            return this.span >= span && this.group == group && this.headDim == headDim;
        }
    }

    /** Queries padded to whole vectors. */
    private static int lanes(int heads) {
        return (heads + FLOATS - 1) / FLOATS * FLOATS;
    }

    /**
     * Sets up one call: the query row at {@code qOffset} attends positions {@code [0, length)}; its result
     * goes to {@code out} from {@code outOffset}. The kv heads are split into at most {@code parts} runs
     * (one when the call runs on one thread); {@code workers} threads may run them at once. Returns the
     * number of parts.
     */
    int set(float[] q, int qOffset, short[] keys, short[] values, int length, AttentionShape shape,
            float[] out, int outOffset, int parts, int workers) {
        this.q = q;
        this.qOffset = qOffset;
        this.keys = keys;
        this.values = values;
        this.length = length;
        this.shape = shape;
        this.out = out;
        this.outOffset = outOffset;
        int kvHeads = shape.kvHeads();
        span = (kvHeads + parts - 1) / parts;
        int group = shape.heads() / kvHeads;
        // Buffers for every worker, each big enough for a whole call: a later call may run on one thread.
        if (scratch.length < workers || !scratch[0].fits(kvHeads, group, shape.headDim())) {
            scratch = new Buffers[workers];
            for (int i = 0; i < workers; i++) {
                scratch[i] = new Buffers(kvHeads, group, shape.headDim());
            }
        }
        return (kvHeads + span - 1) / span;
    }

    void clear() {
        q = null;
        keys = null;
        values = null;
        out = null;
    }

    static boolean supports(AttentionShape shape) {
        return shape.headDim() % FLOATS == 0;
    }

    @Override
    public void run(int part, int worker) {
        int g = shape.heads() / shape.kvHeads();
        int hd = shape.headDim();
        int kvDim = shape.kvDim();
        int k0 = part * span;
        int kvHeads = Math.min(span, shape.kvHeads() - k0);
        int width = kvHeads * hd;
        int heads = kvHeads * g;
        int lanes = lanes(heads);
        int kvBase = k0 * hd;
        float scale = shape.scale();
        Buffers b = scratch[worker];
        float[] qs = b.queries;
        float[] acc = b.acc;
        int n = heads * hd;
        System.arraycopy(q, qOffset + k0 * g * hd, qs, 0, n);
        HalfLoops.round(qs, 0, n);
        java.util.Arrays.fill(acc, 0, n, 0f);
        java.util.Arrays.fill(b.max, 0, lanes, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(b.sum, 0, lanes, 0f);
        for (int p0 = 0; p0 < length; p0 += KEY_BLOCK) {
            int kb = Math.min(KEY_BLOCK, length - p0);
            for (int j = 0; j < kb; j += 4) {
                int rows = Math.min(4, kb - j);
                if (width == kvDim) {
                    // The part is every kv head: the rows lie end to end in the cache, one loop takes them.
                    HalfLoops.toFloats(keys, (p0 + j) * kvDim, b.keys, 0, rows * width);
                } else {
                    for (int r = 0; r < rows; r++) {
                        HalfLoops.toFloats(keys, (p0 + j + r) * kvDim + kvBase, b.keys, r * width, width);
                    }
                }
                scores(qs, kvHeads, g, b.keys, width, j, lanes, hd, b.scores);
            }
            weigh(b, lanes, kb, scale);
            for (int j = 0; j < kb; j++) {
                int row = (p0 + j) * kvDim + kvBase;
                if (g == 1) {
                    spreadWeights(b, heads, j, lanes, hd);
                } else {
                    HalfLoops.toFloats(values, row, b.values, 0, width);
                    products(b, kvHeads, g, j, lanes, hd);
                }
                if (b.anyRaise[j]) {
                    for (int i = 0; i < heads; i++) {
                        float ms = b.rescale[j * lanes + i];
                        if (ms != 1f) {
                            OnlineSoftmax.rescale(acc, i * hd, hd, ms);
                        }
                    }
                }
                if (g == 1) {
                    HalfLoops.addProductRound(acc, values, row, b.products, n);
                } else {
                    HalfLoops.addRound(acc, b.products, n);
                }
            }
        }
        int o = outOffset + k0 * g * hd;
        for (int i = 0; i < heads; i++) {
            float inv = b.sum[i] == 0f ? 0f : 1f / b.sum[i];
            for (int d = 0; d < hd; d += FLOATS) {
                FloatVector.fromArray(F, acc, i * hd + d).mul(inv).intoArray(out, o + i * hd + d);
            }
        }
    }

    /**
     * Unscaled scores of the queries against four rows of keys (each {@code width} long: the part's kv
     * heads at one position), into {@code scores[(j + r) * lanes + i]}. Past the block's end the rows
     * hold older keys, whose scores are never read.
     */
    private static void scores(float[] qs, int kvHeads, int g, float[] kf, int width, int j, int lanes, int hd,
                               float[] scores) {
        int i = 0;
        for (int k = 0; k < kvHeads * hd; k += hd) {
            for (int r = 0; r < g; r++, i++) {
                int qi = i * hd;
                FloatVector s0 = FloatVector.zero(F);
                FloatVector s1 = FloatVector.zero(F);
                FloatVector s2 = FloatVector.zero(F);
                FloatVector s3 = FloatVector.zero(F);
                for (int d = 0; d < hd; d += FLOATS) {
                    FloatVector x = FloatVector.fromArray(F, qs, qi + d);
                    s0 = FloatVector.fromArray(F, kf, k + d).fma(x, s0);
                    s1 = FloatVector.fromArray(F, kf, k + width + d).fma(x, s1);
                    s2 = FloatVector.fromArray(F, kf, k + 2 * width + d).fma(x, s2);
                    s3 = FloatVector.fromArray(F, kf, k + 3 * width + d).fma(x, s3);
                }
                int o = j * lanes + i;
                scores[o] = F_VECTOR.cast(s0).reduceLanes(VectorOperators.ADD);
                scores[o + lanes] = F_VECTOR.cast(s1).reduceLanes(VectorOperators.ADD);
                scores[o + 2 * lanes] = F_VECTOR.cast(s2).reduceLanes(VectorOperators.ADD);
                scores[o + 3 * lanes] = F_VECTOR.cast(s3).reduceLanes(VectorOperators.ADD);
            }
        }
    }

    /**
     * The online softmax over the block's {@code kb} positions, for every query at once (a lane each):
     * per position, the multiplier of the accumulator and the weight of the value, as the reference takes
     * them one position at a time (a position that raises the maximum rescales the accumulator by
     * exp(old - new) and adds its value with weight 1; any other adds its value with weight exp(s - max)),
     * and the sum the same way. The arguments of the exponentials are floored at
     * {@link OnlineSoftmax#EXP_FLOOR} (see there). Lanes past the queries compute garbage nobody reads.
     */
    private static void weigh(Buffers b, int lanes, int kb, float scale) {
        float[] scores = b.scores;
        float[] rescale = b.rescale;
        float[] weight = b.weight;
        boolean[] anyRaise = b.anyRaise;
        java.util.Arrays.fill(anyRaise, 0, kb, false);
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < lanes; i += FLOATS) {
            FloatVector max = FloatVector.fromArray(F, b.max, i);
            FloatVector sum = FloatVector.fromArray(F, b.sum, i);
            for (int j = 0; j < kb; j++) {
                int o = j * lanes + i;
                // max and sum are carried around the loop: calls on them go through F_VECTOR (see Simd).
                FloatVector m = F_VECTOR.cast(max);
                FloatVector s = FloatVector.fromArray(F, scores, o).mul(scale);
                VectorMask<Float> raises = s.compare(VectorOperators.GT, m);
                FloatVector e = s.sub(m).blend(m.sub(s), raises).max(OnlineSoftmax.EXP_FLOOR)
                        .lanewise(VectorOperators.EXP);
                FloatVector ms = one.blend(e, raises);
                FloatVector vs = e.blend(one, raises);
                sum = F_VECTOR.cast(sum).mul(ms).add(vs);
                max = m.blend(s, raises);
                ms.intoArray(rescale, o);
                vs.intoArray(weight, o);
                if (raises.anyTrue()) {
                    anyRaise[j] = true;
                }
            }
            F_VECTOR.cast(max).intoArray(b.max, i);
            F_VECTOR.cast(sum).intoArray(b.sum, i);
        }
    }

    /** Position {@code j}'s values ({@code b.values}) times each query's weight, into {@code b.products[i * hd + d]}. */
    private static void products(Buffers b, int kvHeads, int g, int j, int lanes, int hd) {
        float[] vf = b.values;
        float[] weight = b.weight;
        float[] pr = b.products;
        int i = 0;
        for (int v = 0; v < kvHeads * hd; v += hd) {
            for (int r = 0; r < g; r++, i++) {
                int o = i * hd;
                FloatVector w = FloatVector.broadcast(F, weight[j * lanes + i]);
                if (hd == 64) {
                    // The common size as a loop of constant length, which C2 unrolls whole: a loop over hd
                    // pays a setup per head that costs as much as its eight vectors (measured 6.3 -> 4.3 ns).
                    for (int d = 0; d < 64; d += FLOATS) {
                        FloatVector.fromArray(F, vf, v + d).mul(w).intoArray(pr, o + d);
                    }
                } else {
                    for (int d = 0; d < hd; d += FLOATS) {
                        FloatVector.fromArray(F, vf, v + d).mul(w).intoArray(pr, o + d);
                    }
                }
            }
        }
    }

    /**
     * Without shared kv heads, query i's accumulator lines up with its value row: the products' row
     * becomes query i's weight at position j, repeated over its {@code hd} values, and one loop converts
     * the values, multiplies and adds them ({@link HalfLoops#addProductRound}).
     */
    private static void spreadWeights(Buffers b, int heads, int j, int lanes, int hd) {
        float[] weight = b.weight;
        float[] pr = b.products;
        for (int i = 0; i < heads; i++) {
            FloatVector w = FloatVector.broadcast(F, weight[j * lanes + i]);
            int o = i * hd;
            if (hd == 64) {
                for (int d = 0; d < 64; d += FLOATS) {
                    w.intoArray(pr, o + d);
                }
            } else {
                for (int d = 0; d < hd; d += FLOATS) {
                    w.intoArray(pr, o + d);
                }
            }
        }
    }
}
