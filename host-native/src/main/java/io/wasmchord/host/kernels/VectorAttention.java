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
 * Flash attention over the fp16 cache with the numerics of {@link FlashAttention} (the query rounded to
 * fp16, one online-softmax pass per query, the V accumulator rounded to fp16 after every position), for
 * a causal run of queries (a prompt batch; one query goes to {@link DecodeAttention}).
 *
 * <p>A part is one kv head with its group of query heads and a block of up to {@link #QUERY_BLOCK}
 * consecutive queries, each query a vector lane wherever it can be. Keys and values are taken
 * {@link #KEY_BLOCK} positions at a time, as floats: converted once per call for all parts while the
 * call's keys take at most {@link #CONVERTED_MAX} floats ({@link #convertAll}, by the caller), else
 * per part and key block for the part's heads and queries, so that memory stays a few blocks per worker
 * at any context length. (Per part only, stories110M's prompts converted every key and value once per
 * block of queries, as its heads share none: 8% of a 128-token prompt.) Per key block: the scores,
 * position-major (vectors along the queries, each key element broadcast: no horizontal sums, no
 * transposed keys); the online
 * softmax for all queries at once, a lane each, giving per position each query's multiplier of its
 * accumulator and weight of the value row; then per position the value row times the weights for all
 * queries that see it, added to their accumulators and rounded to fp16 in one loop over up to
 * 16 x head-dim values, which SuperWord runs whole (a 64-value loop per query spends most of its time
 * in a pre- and a post-loop). Memory per worker is a few blocks, whatever the context length, beside
 * the converted keys and values (at most 8 MiB, kept for the next call).
 *
 * <p>fp16 conversions run as plain loops over {@link Float#floatToFloat16}/{@link Float#float16ToFloat},
 * which C2 vectorises into the F16C instructions, where the Vector API has no fp16 conversion but
 * integer bit manipulation.
 */
final class VectorAttention implements WorkerPool.Job {
    static final int QUERY_BLOCK = 16;
    static final int KEY_BLOCK = 64;
    /** 0, 1, 2, ... : the lane numbers. */
    private static final float[] LANE_INDEX = new float[FLOATS];

    static {
        for (int l = 0; l < FLOATS; l++) {
            LANE_INDEX[l] = l;
        }
    }

    private float[] q;
    private int qOffset;
    private short[] keys;
    private short[] values;
    private int start;
    private int queries;
    private int blocks;
    private AttentionShape shape;
    private float[] out;
    private int outOffset;
    private Buffers[] scratch = new Buffers[0];
    /** Floats of a call's keys, and as many of its values, up to which they are converted once per call. */
    static final int CONVERTED_MAX = 1 << 20;
    private final int convertedMax;
    /** The call's keys and values as floats, kv head after kv head, {@link #convertedPositions} rows each. */
    private float[] keyFloats = new float[0];
    private float[] valueFloats = new float[0];
    /** Rows per kv head in those arrays; 0: each part converts its own blocks. */
    private int convertedPositions;

    VectorAttention() {
        this(CONVERTED_MAX);
    }

    /** With a lower bound on the converted arrays (0: always per part), for tests of both paths. */
    VectorAttention(int convertedMax) {
        this.convertedMax = convertedMax;
    }

    /** One worker's blocks. Arrays indexed by query run over {@link #QUERY_BLOCK} lanes, whole vectors. */
    private static final class Buffers {
        /** The part's queries in fp16 precision, head after head, dimension-major: {@code queries[(g * hd + d) * QUERY_BLOCK + i]}. */
        final float[] queries;
        final float[] row;
        /** Accumulators, head after head, query after query: {@code acc[(g * QUERY_BLOCK + i) * hd + d]}. */
        final float[] acc;
        /** A key block and a value block as floats, position after position. */
        final float[] keys;
        final float[] values;
        /** Per position and query ({@code [j * QUERY_BLOCK + i]}): score, multiplier of the accumulator, weight of the value. */
        final float[] scores = new float[KEY_BLOCK * QUERY_BLOCK];
        final float[] rescale = new float[KEY_BLOCK * QUERY_BLOCK];
        final float[] weight = new float[KEY_BLOCK * QUERY_BLOCK];
        final boolean[] anyRaise = new boolean[KEY_BLOCK];
        /** Per head of the group and query: the running maximum and sum. */
        final float[] max;
        final float[] sum;
        /** One position's value row times each query's weight, laid out as the accumulators. */
        final float[] products;

        Buffers(int headDim, int group) {
            queries = new float[group * headDim * QUERY_BLOCK];
            row = new float[headDim];
            acc = new float[group * QUERY_BLOCK * headDim];
            keys = new float[KEY_BLOCK * headDim];
            values = new float[KEY_BLOCK * headDim];
            products = new float[group * QUERY_BLOCK * headDim];
            max = new float[group * QUERY_BLOCK];
            sum = new float[group * QUERY_BLOCK];
        }
    }

    /**
     * Sets up one call: {@code n} queries (rows of {@code shape.qDim()} from {@code qOffset}) at positions
     * {@code start .. start + n - 1}, query t attending positions {@code [0, start + t]}; results go to the
     * same rows of {@code out} from {@code outOffset}. {@code workers} threads may run parts concurrently.
     * Returns the number of parts.
     */
    int set(float[] q, int qOffset, short[] keys, short[] values, int start, int n, AttentionShape shape,
            float[] out, int outOffset, int workers) {
        this.q = q;
        this.qOffset = qOffset;
        this.keys = keys;
        this.values = values;
        this.start = start;
        this.queries = n;
        this.blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        this.shape = shape;
        this.out = out;
        this.outOffset = outOffset;
        int group = shape.heads() / shape.kvHeads();
        if (scratch.length < workers || scratch[0].row.length != shape.headDim() || scratch[0].max.length < group * QUERY_BLOCK) {
            scratch = new Buffers[workers];
            for (int i = 0; i < workers; i++) {
                scratch[i] = new Buffers(shape.headDim(), group);
            }
        }
        // Rows up to a multiple of 8: the scores read keys 8 at a time (those past the end are never used).
        int rows = (start + n + 7) / 8 * 8;
        long floats = (long) rows * shape.kvDim();
        convertedPositions = floats <= convertedMax ? rows : 0;
        if (convertedPositions > 0) {
            if (keyFloats.length < floats) {
                keyFloats = new float[(int) floats];
                valueFloats = new float[(int) floats];
            }
            convertAll(keys, keyFloats, start + n, rows, shape);
            convertAll(values, valueFloats, start + n, rows, shape);
        }
        return shape.kvHeads() * blocks;
    }

    /** The first {@code positions} rows of each kv head of {@code src} into {@code dst}, heads {@code rows} rows apart. */
    private static void convertAll(short[] src, float[] dst, int positions, int rows, AttentionShape shape) {
        int hd = shape.headDim();
        int kvDim = shape.kvDim();
        for (int h = 0; h < shape.kvHeads(); h++) {
            convertRows(src, h * hd, kvDim, positions, dst, h * rows * hd, hd);
        }
    }

    void clear() {
        convertedPositions = 0;
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
        int group = shape.heads() / shape.kvHeads();
        int kvHead = part / blocks;
        int t0 = (part % blocks) * QUERY_BLOCK; // query i of the part is row t0 + i
        int nq = Math.min(QUERY_BLOCK, queries - t0);
        int lanes = (nq + FLOATS - 1) / FLOATS * FLOATS;
        int hd = shape.headDim();
        int qDim = shape.qDim();
        int kvDim = shape.kvDim();
        int kvBase = kvHead * hd;
        Buffers b = scratch[worker];
        float[] acc = b.acc;
        for (int g = 0; g < group; g++) {
            int head = kvHead * group + g;
            for (int i = 0; i < QUERY_BLOCK; i++) {
                if (i < nq) {
                    OnlineSoftmax.roundToHalf(q, qOffset + (t0 + i) * qDim + head * hd, b.row, 0, hd);
                } else {
                    java.util.Arrays.fill(b.row, 0f); // lanes past the queries: finite garbage
                }
                for (int d = 0; d < hd; d++) {
                    b.queries[(g * hd + d) * QUERY_BLOCK + i] = b.row[d];
                }
                b.max[g * QUERY_BLOCK + i] = Float.NEGATIVE_INFINITY;
                b.sum[g * QUERY_BLOCK + i] = 0f;
            }
            java.util.Arrays.fill(acc, g * QUERY_BLOCK * hd, (g * QUERY_BLOCK + nq) * hd, 0f);
        }
        int end = start + t0 + nq; // positions [0, end) are seen by the part's last query
        for (int p0 = 0; p0 < end; p0 += KEY_BLOCK) {
            int kb = Math.min(KEY_BLOCK, end - p0);
            int first = start + t0 - p0; // query i sees the block's positions j < first + i + 1
            float[] kf = keyFloats;
            float[] vf = valueFloats;
            int row0 = (kvHead * convertedPositions + p0) * hd;
            if (convertedPositions == 0) {
                convertRows(keys, p0 * kvDim + kvBase, kvDim, kb, b.keys, 0, hd);
                convertRows(values, p0 * kvDim + kvBase, kvDim, kb, b.values, 0, hd);
                kf = b.keys;
                vf = b.values;
                row0 = 0;
            }
            for (int g = 0; g < group; g++) { // the block's keys and values serve every head of the group
                int base = g * QUERY_BLOCK * hd;
                scores(b.queries, g * hd * QUERY_BLOCK, lanes, kf, row0, kb, hd, b.scores);
                weigh(b, g * QUERY_BLOCK, lanes, kb, first, shape.scale());
                for (int j = 0; j < kb; j++) {
                    int i0 = Math.max(0, j - first); // the queries from i0 on see position j
                    if (b.anyRaise[j]) {
                        rescale(b, base, i0, nq, j, hd);
                    }
                    products(b.products, base, vf, row0 + j * hd, b.weight, j * QUERY_BLOCK, i0, nq, hd);
                    addRound(acc, b.products, base + i0 * hd, (nq - i0) * hd);
                }
            }
        }
        for (int g = 0; g < group; g++) {
            int head = kvHead * group + g;
            for (int i = 0; i < nq; i++) {
                float sum = b.sum[g * QUERY_BLOCK + i];
                float inv = sum == 0f ? 0f : 1f / sum;
                int o = outOffset + (t0 + i) * qDim + head * hd;
                int a = (g * QUERY_BLOCK + i) * hd;
                for (int d = 0; d < hd; d++) {
                    out[o + d] = acc[a + d] * inv;
                }
            }
        }
    }

    /**
     * Unscaled scores of the first {@code lanes} queries against {@code kb} keys, position-major into
     * {@code scores[j * QUERY_BLOCK + i]}: vectors along the queries, a key element broadcast, 8 keys at a
     * time (keys past {@code kb} up to the tile's end give scores that are never read). Each score is one
     * fma chain over the head in order.
     */
    private static void scores(float[] qt, int qBase, int lanes, float[] kf, int row0, int kb, int hd, float[] scores) {
        for (int i = 0; i < lanes; i += FLOATS) {
            for (int j = 0; j < kb; j += 8) {
                FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
                FloatVector s4 = FloatVector.zero(F), s5 = FloatVector.zero(F), s6 = FloatVector.zero(F), s7 = FloatVector.zero(F);
                int k = row0 + j * hd;
                for (int d = 0; d < hd; d++) {
                    FloatVector qv = FloatVector.fromArray(F, qt, qBase + d * QUERY_BLOCK + i);
                    s0 = qv.fma(FloatVector.broadcast(F, kf[k + d]), s0);
                    s1 = qv.fma(FloatVector.broadcast(F, kf[k + hd + d]), s1);
                    s2 = qv.fma(FloatVector.broadcast(F, kf[k + 2 * hd + d]), s2);
                    s3 = qv.fma(FloatVector.broadcast(F, kf[k + 3 * hd + d]), s3);
                    s4 = qv.fma(FloatVector.broadcast(F, kf[k + 4 * hd + d]), s4);
                    s5 = qv.fma(FloatVector.broadcast(F, kf[k + 5 * hd + d]), s5);
                    s6 = qv.fma(FloatVector.broadcast(F, kf[k + 6 * hd + d]), s6);
                    s7 = qv.fma(FloatVector.broadcast(F, kf[k + 7 * hd + d]), s7);
                }
                int o = j * QUERY_BLOCK + i;
                s0.intoArray(scores, o);
                s1.intoArray(scores, o + QUERY_BLOCK);
                s2.intoArray(scores, o + 2 * QUERY_BLOCK);
                s3.intoArray(scores, o + 3 * QUERY_BLOCK);
                s4.intoArray(scores, o + 4 * QUERY_BLOCK);
                s5.intoArray(scores, o + 5 * QUERY_BLOCK);
                s6.intoArray(scores, o + 6 * QUERY_BLOCK);
                s7.intoArray(scores, o + 7 * QUERY_BLOCK);
            }
        }
    }

    /**
     * The online softmax over the block's {@code kb} positions for every query at once, a lane each: per
     * position, the multiplier of the accumulator and the weight of the value, as the reference takes them
     * one position at a time (a position that raises the maximum rescales the accumulator by
     * exp(old - new) and adds its value with weight 1; any other adds its value with weight exp(s - max)),
     * and the sum the same way. Lanes of queries that do not see a position yet keep their maximum and sum.
     * The arguments of the exponentials are floored at {@link OnlineSoftmax#EXP_FLOOR} (see there). Lanes
     * past the queries compute garbage nobody reads.
     */
    private static void weigh(Buffers b, int m, int lanes, int kb, int first, float scale) {
        java.util.Arrays.fill(b.anyRaise, 0, kb, false);
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < lanes; i += FLOATS) {
            FloatVector max = FloatVector.fromArray(F, b.max, m + i);
            FloatVector sum = FloatVector.fromArray(F, b.sum, m + i);
            // query i + lane sees position j when i + lane >= j - first
            FloatVector lane = FloatVector.fromArray(F, LANE_INDEX, 0).add(i);
            for (int j = 0; j < kb; j++) {
                int o = j * QUERY_BLOCK + i;
                // max and sum are carried around the loop: calls on them go through F_VECTOR (see Simd).
                FloatVector mx = F_VECTOR.cast(max);
                FloatVector sm = F_VECTOR.cast(sum);
                VectorMask<Float> sees = lane.compare(VectorOperators.GE, (float) (j - first));
                FloatVector s = FloatVector.fromArray(F, b.scores, o).mul(scale);
                VectorMask<Float> raises = s.compare(VectorOperators.GT, mx).and(sees);
                FloatVector e = s.sub(mx).blend(mx.sub(s), raises).max(OnlineSoftmax.EXP_FLOOR)
                        .lanewise(VectorOperators.EXP);
                FloatVector ms = one.blend(e, raises);
                FloatVector vs = e.blend(one, raises);
                sum = sm.blend(sm.mul(ms).add(vs), sees);
                max = mx.blend(s, raises);
                ms.intoArray(b.rescale, o);
                vs.intoArray(b.weight, o);
                if (raises.anyTrue()) {
                    b.anyRaise[j] = true;
                }
            }
            F_VECTOR.cast(max).intoArray(b.max, m + i);
            F_VECTOR.cast(sum).intoArray(b.sum, m + i);
        }
    }

    /**
     * The accumulators of queries from {@code i0} whose maximum position {@code j} raises, scaled by the
     * multiplier and rounded to fp16 (a multiplier of exactly 1 would leave them as they are).
     */
    private static void rescale(Buffers b, int base, int i0, int nq, int j, int hd) {
        for (int i = i0; i < nq; i++) {
            float ms = b.rescale[j * QUERY_BLOCK + i];
            if (ms != 1f) {
                OnlineSoftmax.rescale(b.acc, base + i * hd, hd, ms);
            }
        }
    }

    /**
     * One value row ({@code vf[row, row + hd)}) times the weight of each query from {@code i0}
     * ({@code w[at + i]}) into {@code p[base + i * hd + d]}: a float multiply, as the reference's (which then adds
     * without an fma).
     */
    private static void products(float[] p, int base, float[] vf, int row, float[] w, int at, int i0, int nq, int hd) {
        if (hd == 64) {
            // Heads of 64 with the row's vectors loaded once and kept in registers across the queries.
            FloatVector v0 = FloatVector.fromArray(F, vf, row);
            FloatVector v1 = FloatVector.fromArray(F, vf, row + FLOATS);
            FloatVector v2 = FloatVector.fromArray(F, vf, row + 2 * FLOATS);
            FloatVector v3 = FloatVector.fromArray(F, vf, row + 3 * FLOATS);
            for (int i = i0; i < nq; i++) {
                FloatVector wi = FloatVector.broadcast(F, w[at + i]);
                int o = base + i * 64;
                v0.mul(wi).intoArray(p, o);
                v1.mul(wi).intoArray(p, o + FLOATS);
                v2.mul(wi).intoArray(p, o + 2 * FLOATS);
                v3.mul(wi).intoArray(p, o + 3 * FLOATS);
                for (int d = 4 * FLOATS; d < 64; d += FLOATS) {
                    FloatVector.fromArray(F, vf, row + d).mul(wi).intoArray(p, o + d);
                }
            }
            return;
        }
        for (int i = i0; i < nq; i++) {
            FloatVector wi = FloatVector.broadcast(F, w[at + i]);
            for (int d = 0; d < hd; d += FLOATS) {
                FloatVector.fromArray(F, vf, row + d).mul(wi).intoArray(p, base + i * hd + d);
            }
        }
    }

    /**
     * {@code acc[from, from + n) + p[from, from + n)}, each sum rounded to fp16: one loop over all the
     * part's accumulators that see a position, which SuperWord runs whole.
     */
    private static void addRound(float[] acc, float[] p, int from, int n) {
        for (int k = from; k < from + n; k++) {
            acc[k] = Float.float16ToFloat(Float.floatToFloat16(acc[k] + p[k]));
        }
    }

    /**
     * {@code kb} rows of a head's fp16 keys or values ({@code stride} apart from {@code at}) as floats, row
     * after row from {@code dst[to]}.
     */
    private static void convertRows(short[] src, int at, int stride, int kb, float[] dst, int to, int hd) {
        for (int j = 0; j < kb; j++) {
            toFloats(src, at + j * stride, dst, to + j * hd, hd);
        }
    }

    /**
     * One head's fp16 row into floats. Heads of 64 get a loop of constant length, which C2 unrolls and
     * vectorises whole (a loop over {@code hd} spends a pre- and a post-loop on every row).
     */
    private static void toFloats(short[] src, int from, float[] dst, int at, int hd) {
        if (hd == 64) {
            for (int d = 0; d < 64; d++) {
                dst[at + d] = Float.float16ToFloat(src[from + d]);
            }
        } else {
            HalfLoops.toFloats(src, from, dst, at, hd);
        }
    }
}
