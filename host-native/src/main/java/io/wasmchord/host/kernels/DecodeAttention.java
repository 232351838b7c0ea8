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
 * to fp16 after every position. A part is one kv head and the query heads that share it.
 *
 * <p>Positions come in blocks of {@link #KEY_BLOCK}: the block's keys are converted to floats once for
 * the whole group, the scores are taken four positions at a time (four independent FMA chains, then four
 * lane sums, where a single query against a transposed block would pay for the transposition), and the
 * block's exponentials are taken as vectors. The V accumulation then walks the block's positions in
 * order, two per pass over the accumulator. Its fp16 round trips stay plain loops over
 * {@link Float#floatToFloat16}: C2 compiles them to scalar F16C instructions, about one cycle per value,
 * which still beat the same rounding spelled out in Vector API integer lanes (measured 1.7x slower).
 * Decode attention, one thread, 12/12 heads of 64, 256 positions: 183 -> 164 us per call (load 4-5).
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
    private Buffers[] scratch = new Buffers[0];

    /** One worker's blocks: the group's queries and accumulators, a key block, scores and weights. */
    private static final class Buffers {
        final float[] queries;
        final float[] acc;
        final float[] keys;
        final float[] scores;
        final float[] max;
        final float[] sum;
        /** Per query and position of the block: the multiplier of the accumulator (1 unless the maximum rose) ... */
        final float[] rescale;
        /** ... and the weight of the position's value. */
        final float[] weight;
        /** One query's exponentials over the block, and which positions raise its maximum. */
        final float[] exps = new float[KEY_BLOCK];
        final boolean[] raises = new boolean[KEY_BLOCK];

        Buffers(int group, int headDim) {
            queries = new float[group * headDim];
            acc = new float[group * headDim];
            keys = new float[KEY_BLOCK * headDim];
            scores = new float[group * KEY_BLOCK];
            max = new float[group];
            sum = new float[group];
            rescale = new float[group * KEY_BLOCK];
            weight = new float[group * KEY_BLOCK];
        }
    }

    /**
     * Sets up one call: the query row at {@code qOffset} attends positions {@code [0, length)}; its result
     * goes to {@code out} from {@code outOffset}. Returns the number of parts (the kv heads).
     */
    int set(float[] q, int qOffset, short[] keys, short[] values, int length, AttentionShape shape,
            float[] out, int outOffset, int workers) {
        this.q = q;
        this.qOffset = qOffset;
        this.keys = keys;
        this.values = values;
        this.length = length;
        this.shape = shape;
        this.out = out;
        this.outOffset = outOffset;
        int group = shape.heads() / shape.kvHeads();
        if (scratch.length < workers || scratch[0].max.length < group || scratch[0].acc.length < group * shape.headDim()
                || scratch[0].keys.length < KEY_BLOCK * shape.headDim()) {
            scratch = new Buffers[workers];
            for (int i = 0; i < workers; i++) {
                scratch[i] = new Buffers(group, shape.headDim());
            }
        }
        return shape.kvHeads();
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
        int kvBase = part * hd;
        float scale = shape.scale();
        Buffers b = scratch[worker];
        float[] qs = b.queries;
        float[] acc = b.acc;
        int q0 = qOffset + part * g * hd;
        OnlineSoftmax.roundToHalf(q, q0, qs, 0, g * hd);
        java.util.Arrays.fill(acc, 0, g * hd, 0f);
        for (int i = 0; i < g; i++) {
            b.max[i] = Float.NEGATIVE_INFINITY;
            b.sum[i] = 0f;
        }
        for (int p0 = 0; p0 < length; p0 += KEY_BLOCK) {
            int kb = Math.min(KEY_BLOCK, length - p0);
            convertRows(keys, p0 * kvDim + kvBase, kvDim, kb, hd, b.keys);
            scores(qs, g, b.keys, kb, hd, b.scores);
            for (int i = 0; i < g; i++) {
                weigh(b, i, kb, scale);
            }
            accumulate(b, g, kb, values, p0 * kvDim + kvBase, kvDim, hd);
        }
        int o = outOffset + part * g * hd;
        for (int i = 0; i < g; i++) {
            float inv = b.sum[i] == 0f ? 0f : 1f / b.sum[i];
            for (int d = 0; d < hd; d++) {
                out[o + i * hd + d] = acc[i * hd + d] * inv;
            }
        }
    }

    /** {@code kb} rows of the cache ({@code stride} apart from {@code at}) as floats, one row after another. */
    private static void convertRows(short[] cache, int at, int stride, int kb, int hd, float[] rows) {
        for (int j = 0; j < kb; j++) {
            Simd.halvesToFloats(cache, at + j * stride, rows, j * hd, hd);
        }
    }

    /**
     * Unscaled scores of the group's queries against the key block, into {@code scores[i * KEY_BLOCK + j]},
     * four positions per pass. A short last pass reads rows past {@code kb} (left from an earlier block or
     * zero) whose scores are never read.
     */
    private static void scores(float[] qs, int g, float[] kf, int kb, int hd, float[] scores) {
        for (int i = 0; i < g; i++) {
            int qi = i * hd;
            for (int j = 0; j < kb; j += 4) {
                int k = j * hd;
                FloatVector s0 = FloatVector.zero(F);
                FloatVector s1 = FloatVector.zero(F);
                FloatVector s2 = FloatVector.zero(F);
                FloatVector s3 = FloatVector.zero(F);
                for (int d = 0; d < hd; d += FLOATS) {
                    FloatVector x = FloatVector.fromArray(F, qs, qi + d);
                    s0 = FloatVector.fromArray(F, kf, k + d).fma(x, s0);
                    s1 = FloatVector.fromArray(F, kf, k + hd + d).fma(x, s1);
                    s2 = FloatVector.fromArray(F, kf, k + 2 * hd + d).fma(x, s2);
                    s3 = FloatVector.fromArray(F, kf, k + 3 * hd + d).fma(x, s3);
                }
                int o = i * KEY_BLOCK + j;
                scores[o] = s0.reduceLanes(VectorOperators.ADD);
                scores[o + 1] = s1.reduceLanes(VectorOperators.ADD);
                scores[o + 2] = s2.reduceLanes(VectorOperators.ADD);
                scores[o + 3] = s3.reduceLanes(VectorOperators.ADD);
            }
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
    }

    /**
     * Adds the block's values into the group's accumulators, position by position, each query's
     * accumulator rescaled first where its maximum rose and rounded to fp16 after every step. Two
     * positions per pass over an accumulator where neither rescales it: the same roundings, half the
     * loads and stores of the accumulator.
     */
    private static void accumulate(Buffers b, int g, int kb, short[] v, int at, int stride, int hd) {
        float[] acc = b.acc;
        float[] rescale = b.rescale;
        float[] weight = b.weight;
        for (int i = 0; i < g; i++) {
            int a = i * hd;
            int w = i * KEY_BLOCK;
            int j = 0;
            while (j < kb) {
                int row = at + j * stride;
                if (j + 1 < kb && rescale[w + j] == 1f && rescale[w + j + 1] == 1f) {
                    float w0 = weight[w + j];
                    float w1 = weight[w + j + 1];
                    for (int d = 0; d < hd; d++) {
                        float x = Float.float16ToFloat(Float.floatToFloat16(acc[a + d] + Float.float16ToFloat(v[row + d]) * w0));
                        acc[a + d] = Float.float16ToFloat(Float.floatToFloat16(x + Float.float16ToFloat(v[row + stride + d]) * w1));
                    }
                    j += 2;
                    continue;
                }
                float ms = rescale[w + j];
                if (ms != 1f) {
                    OnlineSoftmax.rescale(acc, a, hd, ms);
                }
                OnlineSoftmax.addRow(acc, a, v, row, weight[w + j], hd);
                j++;
            }
        }
    }
}
