package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Flash attention of one query position (decoding) over the fp16 cache, with the numerics of
 * {@link FlashAttention}: the query rounded to fp16, one online-softmax pass, the V accumulator rounded
 * to fp16 after every position. A part is a run of kv heads and the query heads that share them.
 *
 * <p>TODO describe.
 */
final class DecodeAttention implements WorkerPool.Job {
    static final int KEY_BLOCK = Integer.getInteger("chord.attn.block", 64);

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

    /** One worker's blocks, for a part of up to {@code span} kv heads. */
    private static final class Buffers {
        final int span;
        final int headDim;
        final float[] queries;
        final float[] acc;
        /** Four positions' keys: row r holds the part's kv heads at one position. */
        final float[] keys;
        /** One position's values over the part's kv heads. */
        final float[] values;
        /** One position's value times each query's weight: {@code [i * headDim + d]}. */
        final float[] products;
        /** Whether position j of the block raises any query's maximum. */
        final boolean[] anyRaise = new boolean[KEY_BLOCK];
        final float[] scores;
        final float[] max;
        final float[] sum;
        /** Per query and position of the block ({@code [i * KEY_BLOCK + j]}): the multiplier of the accumulator (1 unless the maximum rose) ... */
        final float[] rescale;
        /** ... and the weight of the position's value. */
        final float[] weight;
        /** One query's exponentials over the block, and which positions raise its maximum. */
        final float[] exps = new float[KEY_BLOCK];
        final boolean[] raises = new boolean[KEY_BLOCK];

        Buffers(int span, int group, int headDim) {
            this.span = span;
            this.headDim = headDim;
            int heads = span * group;
            queries = new float[heads * headDim];
            acc = new float[heads * headDim];
            keys = new float[4 * span * headDim];
            values = new float[span * headDim];
            products = new float[heads * headDim];
            scores = new float[heads * KEY_BLOCK];
            max = new float[heads];
            sum = new float[heads];
            rescale = new float[heads * KEY_BLOCK];
            weight = new float[heads * KEY_BLOCK];
        }

        boolean fits(int span, int group, int headDim) {
            return this.span >= span && this.headDim == headDim && max.length >= span * group;
        }
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
        int kvBase = k0 * hd;
        float scale = shape.scale();
        Buffers b = scratch[worker];
        float[] qs = b.queries;
        float[] acc = b.acc;
        int n = heads * hd;
        int q0 = qOffset + k0 * g * hd;
        System.arraycopy(q, q0, qs, 0, n);
        HalfLoops.round(qs, 0, n);
        java.util.Arrays.fill(acc, 0, n, 0f);
        java.util.Arrays.fill(b.max, 0, heads, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(b.sum, 0, heads, 0f);
        for (int p0 = 0; p0 < length; p0 += KEY_BLOCK) {
            int kb = Math.min(KEY_BLOCK, length - p0);
            for (int j = 0; j < kb; j += 4) {
                for (int r = 0; r < Math.min(4, kb - j); r++) {
                    HalfLoops.toFloats(keys, (p0 + j + r) * kvDim + kvBase, b.keys, r * width, width);
                }
                scores(qs, heads, g, b.keys, width, j, hd, b.scores);
            }
            java.util.Arrays.fill(b.anyRaise, 0, kb, false);
            for (int i = 0; i < heads; i++) {
                weigh(b, i, kb, scale);
            }
            for (int j = 0; j < kb; j++) {
                HalfLoops.toFloats(values, (p0 + j) * kvDim + kvBase, b.values, 0, width);
                products(b, heads, g, j, hd);
                if (b.anyRaise[j]) {
                    for (int i = 0; i < heads; i++) {
                        float ms = b.rescale[i * KEY_BLOCK + j];
                        if (ms != 1f) {
                            OnlineSoftmax.rescale(acc, i * hd, hd, ms);
                        }
                    }
                }
                HalfLoops.addRound(acc, b.products, n);
            }
        }
        int o = outOffset + k0 * g * hd;
        for (int i = 0; i < heads; i++) {
            float inv = b.sum[i] == 0f ? 0f : 1f / b.sum[i];
            for (int d = 0; d < hd; d++) {
                out[o + i * hd + d] = acc[i * hd + d] * inv;
            }
        }
    }

    /**
     * Unscaled scores of the queries against four rows of keys (each {@code width} long: the part's kv
     * heads at one position), into {@code scores[i * KEY_BLOCK + j ..+ 4]}. Past the block's end the rows
     * hold older keys, whose scores are never read.
     */
    private static void scores(float[] qs, int heads, int g, float[] kf, int width, int j, int hd, float[] scores) {
        for (int i = 0; i < heads; i++) {
            int qi = i * hd;
            int k = i / g * hd;
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
            int o = i * KEY_BLOCK + j;
            scores[o] = s0.reduceLanes(VectorOperators.ADD);
            scores[o + 1] = s1.reduceLanes(VectorOperators.ADD);
            scores[o + 2] = s2.reduceLanes(VectorOperators.ADD);
            scores[o + 3] = s3.reduceLanes(VectorOperators.ADD);
        }
    }

    /**
     * Query {@code i}'s online softmax over the block's {@code kb} positions: for each, the multiplier of
     * the accumulator and the weight of the value, as the reference takes them one position at a time
     * (a position that raises the maximum rescales the accumulator by exp(old - new) and adds its value
     * with weight 1; any other adds its value with weight exp(s - max)). The maximum does not depend on
     * the accumulator, so the exponentials' arguments come first and the exponentials go as vectors.
     *
     * The exponentials: {@link OnlineSoftmax#exponentials}, arguments floored there.
     */
    private static void weigh(Buffers b, int i, int kb, float scale) {
        float[] e = b.exps;
        boolean[] raises = b.raises;
        int at = i * KEY_BLOCK;
        float max = OnlineSoftmax.exponentials(b.scores, at, kb, scale, b.max[i], e, raises, 0);
        float[] rescale = b.rescale;
        float[] weight = b.weight;
        float sum = b.sum[i];
        for (int j = 0; j < kb; j++) {
            float ms = raises[j] ? e[j] : 1f;
            float vs = raises[j] ? 1f : e[j];
            rescale[at + j] = ms;
            weight[at + j] = vs;
            sum = sum * ms + vs;
        }
        b.max[i] = max;
        b.sum[i] = sum;
        for (int j = 0; j < kb; j++) {
            b.anyRaise[j] |= raises[j];
        }
    }

    /** Position {@code j}'s values ({@code b.values}) times each query's weight, into {@code b.products[i * hd + d]}. */
    private static void products(Buffers b, int heads, int g, int j, int hd) {
        float[] vf = b.values;
        float[] weight = b.weight;
        float[] pr = b.products;
        for (int i = 0; i < heads; i++) {
            int v = i / g * hd;
            int o = i * hd;
            FloatVector w = FloatVector.broadcast(F, weight[i * KEY_BLOCK + j]);
            for (int d = 0; d < hd; d += FLOATS) {
                FloatVector.fromArray(F, vf, v + d).mul(w).intoArray(pr, o + d);
            }
        }
    }
}
