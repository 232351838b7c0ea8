package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Flash attention over the fp16 cache with the numerics of {@link FlashAttention} (the query rounded to
 * fp16, one online-softmax pass per query, the V accumulator rounded to fp16 after every position), for
 * a causal run of queries (a prompt batch; one query goes to {@link DecodeAttention}).
 *
 * <p>A part is one head and a block of up to {@link #QUERY_BLOCK} consecutive queries. Keys are taken
 * {@link #KEY_BLOCK} positions at a time: the block's scores for every query of the part are computed first (for several queries, against the key block converted to float once and transposed, so a
 * register tile of 4 queries x 2 vectors of keys needs no horizontal sums), then each query folds the
 * block's positions into its accumulator in order. Memory per worker is a few blocks, whatever the
 * context length: no score row, no N x N matrix.
 *
 * <p>fp16 conversions run as plain loops over {@link Float#floatToFloat16}/{@link Float#float16ToFloat},
 * which C2 vectorises into the F16C instructions (3.6x faster than the same loop left scalar), where
 * the Vector API has no fp16 conversion but integer bit manipulation.
 */
final class VectorAttention implements WorkerPool.Job {
    static final int QUERY_BLOCK = 16;
    static final int KEY_BLOCK = 64;
    /** From this many queries in a part on, scores come from the transposed key block. */
    private static final int TILED_FROM = 4;

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

    /** One worker's blocks: queries and accumulators of a part, a key block, the scores of both. */
    private static final class Buffers {
        final float[] queries;
        final float[] acc;
        final float[] keys;
        final float[] scores;
        final float[] max = new float[QUERY_BLOCK];
        final float[] sum = new float[QUERY_BLOCK];
        /** Two queries' exponentials over a key block, and which positions raise their maximum. */
        final float[] exps = new float[2 * KEY_BLOCK];
        final boolean[] raises = new boolean[2 * KEY_BLOCK];

        Buffers(int headDim) {
            queries = new float[QUERY_BLOCK * headDim];
            acc = new float[QUERY_BLOCK * headDim];
            keys = new float[KEY_BLOCK * headDim];
            scores = new float[QUERY_BLOCK * KEY_BLOCK];
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
        if (scratch.length < workers || scratch[0].acc.length < QUERY_BLOCK * shape.headDim()) {
            scratch = new Buffers[workers];
            for (int i = 0; i < workers; i++) {
                scratch[i] = new Buffers(shape.headDim());
            }
        }
        return shape.heads() * blocks;
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
        int group = shape.heads() / shape.kvHeads();
        int head = part / blocks;
        int t0 = (part % blocks) * QUERY_BLOCK; // query i of the part is row t0 + i
        int nq = Math.min(QUERY_BLOCK, queries - t0);
        int hd = shape.headDim();
        int qDim = shape.qDim();
        int kvDim = shape.kvDim();
        int kvBase = head / group * hd;
        float scale = shape.scale();
        Buffers b = scratch[worker];
        float[] qs = b.queries;
        float[] acc = b.acc;
        float[] max = b.max;
        float[] sum = b.sum;
        for (int i = 0; i < nq; i++) {
            OnlineSoftmax.roundToHalf(q, qOffset + (t0 + i) * qDim + head * hd, qs, i * hd, hd);
            java.util.Arrays.fill(acc, i * hd, (i + 1) * hd, 0f);
            max[i] = Float.NEGATIVE_INFINITY;
            sum[i] = 0f;
        }
        int end = start + t0 + nq; // positions [0, end) are seen by the part's last query
        for (int p0 = 0; p0 < end; p0 += KEY_BLOCK) {
            int kb = Math.min(KEY_BLOCK, end - p0);
            if (nq >= TILED_FROM) {
                transposeKeys(keys, p0 * kvDim + kvBase, kvDim, kb, b.keys, hd);
                tileScores(qs, nq, b.keys, kb, hd, b.scores);
            } else {
                rowScores(qs, nq, keys, p0 * kvDim + kvBase, kvDim, kb, hd, b.keys, b.scores);
            }
            for (int i = 0; i < nq; i++) {
                int seen = Math.min(kb, start + t0 + i + 1 - p0);
                int seenNext = i + 1 < nq ? Math.min(kb, start + t0 + i + 2 - p0) : 0;
                if (seen > 0 && seenNext > 0) {
                    foldTwo(b, i, seen, seenNext, p0, hd, kvDim, kvBase, scale);
                    i++;
                } else if (seen > 0) {
                    fold(b, i, seen, p0, hd, kvDim, kvBase, scale);
                }
            }
        }
        for (int i = 0; i < nq; i++) {
            float inv = sum[i] == 0f ? 0f : 1f / sum[i];
            int o = outOffset + (t0 + i) * qDim + head * hd;
            for (int d = 0; d < hd; d++) {
                out[o + d] = acc[i * hd + d] * inv;
            }
        }
    }

    /**
     * Folds positions {@code p0 .. p0 + seen - 1} into query {@code i}'s online softmax, in order, as the
     * reference does one position at a time (the accumulator rounded to fp16 after each).
     */
    private void fold(Buffers b, int i, int seen, int p0, int hd, int kvDim, int kvBase, float scale) {
        b.max[i] = OnlineSoftmax.exponentials(b.scores, i * KEY_BLOCK, seen, scale, b.max[i], b.exps, b.raises, 0);
        accumulate(b, i, 0, 0, seen, p0, hd, kvDim, kvBase);
    }

    /**
     * {@link #fold} for queries {@code i} and {@code i + 1} of one head, seeing {@code seen} and
     * {@code seenNext >= seen} positions: over the positions both see, position by position, one query's
     * accumulator after the other's, so that their dependency chains (add, round to fp16 and back, the
     * next position's add, through memory) overlap instead of each waiting on itself; the second query's
     * last positions follow alone. Each query's arithmetic is that of {@link #fold}. (Per layer of
     * stories110M's prompt attention, one thread: 3.6 -> 3.2 ms; a loop over 2 or 4 queries per position
     * instead of the two loops spelled out gave nothing.)
     */
    private void foldTwo(Buffers b, int i, int seen, int seenNext, int p0, int hd, int kvDim, int kvBase, float scale) {
        b.max[i] = OnlineSoftmax.exponentials(b.scores, i * KEY_BLOCK, seen, scale, b.max[i], b.exps, b.raises, 0);
        b.max[i + 1] = OnlineSoftmax.exponentials(b.scores, (i + 1) * KEY_BLOCK, seenNext, scale, b.max[i + 1], b.exps, b.raises, KEY_BLOCK);
        float[] acc = b.acc;
        float[] e = b.exps;
        boolean[] raises = b.raises;
        short[] v = values;
        int a = i * hd;
        int c = a + hd;
        float sum = b.sum[i];
        float sumNext = b.sum[i + 1];
        for (int j = 0; j < seen; j++) {
            float ms = 1f;
            float vs = 1f;
            if (raises[j]) {
                ms = e[j];
                OnlineSoftmax.rescale(acc, a, hd, ms);
            } else {
                vs = e[j];
            }
            float msNext = 1f;
            float vsNext = 1f;
            if (raises[KEY_BLOCK + j]) {
                msNext = e[KEY_BLOCK + j];
                OnlineSoftmax.rescale(acc, c, hd, msNext);
            } else {
                vsNext = e[KEY_BLOCK + j];
            }
            int row = (p0 + j) * kvDim + kvBase;
            // Two passes, not one loop over both: C2 does not vectorise stores to two ranges of one array together.
            OnlineSoftmax.addRow(acc, a, v, row, vs, hd);
            OnlineSoftmax.addRow(acc, c, v, row, vsNext, hd);
            sum = sum * ms + vs;
            sumNext = sumNext * msNext + vsNext;
        }
        b.sum[i] = sum;
        b.sum[i + 1] = sumNext;
        accumulate(b, i + 1, KEY_BLOCK, seen, seenNext, p0, hd, kvDim, kvBase);
    }

    /** Positions {@code [from, to)} of the block into query {@code i}'s accumulator, with exponentials from {@code exps[at]}. */
    private void accumulate(Buffers b, int i, int at, int from, int to, int p0, int hd, int kvDim, int kvBase) {
        float[] acc = b.acc;
        float[] e = b.exps;
        boolean[] raises = b.raises;
        short[] v = values;
        int a = i * hd;
        float sum = b.sum[i];
        for (int j = from; j < to; j++) {
            float ms = 1f;
            float vs = 1f;
            if (raises[at + j]) {
                ms = e[at + j];
                OnlineSoftmax.rescale(acc, a, hd, ms);
            } else {
                vs = e[at + j];
            }
            OnlineSoftmax.addRow(acc, a, v, (p0 + j) * kvDim + kvBase, vs, hd);
            sum = sum * ms + vs;
        }
        b.sum[i] = sum;
    }

    /** Keys of {@code kb} positions (rows {@code stride} apart from {@code at}) as floats, dimension-major: {@code kt[d * KEY_BLOCK + j]}. */
    private static void transposeKeys(short[] keys, int at, int stride, int kb, float[] kt, int hd) {
        for (int j = 0; j < kb; j++) {
            int row = at + j * stride;
            for (int d = 0; d < hd; d++) {
                kt[d * KEY_BLOCK + j] = Float.float16ToFloat(keys[row + d]);
            }
        }
    }

    /**
     * Unscaled scores of queries {@code [0, nq)} against the transposed key block, into
     * {@code scores[i * KEY_BLOCK + j]}: vectors run along the keys, 4 queries x 2 key vectors at a time.
     * Keys past {@code kb} up to the tile's end give scores that are never read.
     */
    private static void tileScores(float[] qs, int nq, float[] kt, int kb, int hd, float[] scores) {
        for (int i0 = 0; i0 < nq; i0 += 4) {
            // A short last group repeats its last query; its scores are written twice, identically.
            int q0 = i0 * hd;
            int q1 = Math.min(i0 + 1, nq - 1) * hd;
            int q2 = Math.min(i0 + 2, nq - 1) * hd;
            int q3 = Math.min(i0 + 3, nq - 1) * hd;
            for (int j = 0; j < kb; j += 2 * FLOATS) {
                FloatVector s00 = FloatVector.zero(F), s01 = FloatVector.zero(F);
                FloatVector s10 = FloatVector.zero(F), s11 = FloatVector.zero(F);
                FloatVector s20 = FloatVector.zero(F), s21 = FloatVector.zero(F);
                FloatVector s30 = FloatVector.zero(F), s31 = FloatVector.zero(F);
                for (int d = 0; d < hd; d++) {
                    FloatVector k0 = FloatVector.fromArray(F, kt, d * KEY_BLOCK + j);
                    FloatVector k1 = FloatVector.fromArray(F, kt, d * KEY_BLOCK + j + FLOATS);
                    FloatVector a0 = FloatVector.broadcast(F, qs[q0 + d]);
                    FloatVector a1 = FloatVector.broadcast(F, qs[q1 + d]);
                    FloatVector a2 = FloatVector.broadcast(F, qs[q2 + d]);
                    FloatVector a3 = FloatVector.broadcast(F, qs[q3 + d]);
                    s00 = k0.fma(a0, s00);
                    s01 = k1.fma(a0, s01);
                    s10 = k0.fma(a1, s10);
                    s11 = k1.fma(a1, s11);
                    s20 = k0.fma(a2, s20);
                    s21 = k1.fma(a2, s21);
                    s30 = k0.fma(a3, s30);
                    s31 = k1.fma(a3, s31);
                }
                int o = i0 * KEY_BLOCK + j;
                s00.intoArray(scores, o);
                s01.intoArray(scores, o + FLOATS);
                if (i0 + 1 < nq) {
                    s10.intoArray(scores, o + KEY_BLOCK);
                    s11.intoArray(scores, o + KEY_BLOCK + FLOATS);
                }
                if (i0 + 2 < nq) {
                    s20.intoArray(scores, o + 2 * KEY_BLOCK);
                    s21.intoArray(scores, o + 2 * KEY_BLOCK + FLOATS);
                }
                if (i0 + 3 < nq) {
                    s30.intoArray(scores, o + 3 * KEY_BLOCK);
                    s31.intoArray(scores, o + 3 * KEY_BLOCK + FLOATS);
                }
            }
        }
    }

    /** Unscaled scores of a few queries, one key row at a time (converted into {@code row}), vectors along the head. */
    private static void rowScores(float[] qs, int nq, short[] keys, int at, int stride, int kb, int hd, float[] row,
                                  float[] scores) {
        for (int j = 0; j < kb; j++) {
            int k = at + j * stride;
            for (int d = 0; d < hd; d++) {
                row[d] = Float.float16ToFloat(keys[k + d]);
            }
            for (int i = 0; i < nq; i++) {
                int qi = i * hd;
                FloatVector dot = FloatVector.zero(F);
                for (int d = 0; d < hd; d += FLOATS) {
                    dot = FloatVector.fromArray(F, row, d).fma(FloatVector.fromArray(F, qs, qi + d), dot);
                }
                scores[i * KEY_BLOCK + j] = dot.reduceLanes(VectorOperators.ADD);
            }
        }
    }
}
