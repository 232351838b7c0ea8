package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.FLOATS;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Flash attention over the fp16 cache with the numerics of {@link FlashAttention} (the query rounded to
 * fp16, one online-softmax pass, the V accumulator rounded to fp16 after every step), vectorised along
 * the head dimension, one part per query head. Memory stays O(head dim) per head whatever the length.
 */
final class VectorAttention implements WorkerPool.Job {
    private float[] q;
    private int qOffset;
    private short[] keys;
    private short[] values;
    private int length;
    private AttentionShape shape;
    private float[] out;
    private int outOffset;
    private float[][] scratch = new float[0][];

    /** Sets up one call; {@code workers} threads may run heads concurrently. */
    void set(float[] q, int qOffset, short[] keys, short[] values, int length, AttentionShape shape,
             float[] out, int outOffset, int workers) {
        this.q = q;
        this.qOffset = qOffset;
        this.keys = keys;
        this.values = values;
        this.length = length;
        this.shape = shape;
        this.out = out;
        this.outOffset = outOffset;
        if (scratch.length < workers || scratch[0].length < 3 * shape.headDim()) {
            scratch = new float[workers][3 * shape.headDim()];
        }
    }

    static boolean supports(AttentionShape shape) {
        return shape.headDim() % FLOATS == 0;
    }

    @Override
    public void run(int head, int worker) {
        int headDim = shape.headDim();
        int kvDim = shape.kvDim();
        int group = shape.heads() / shape.kvHeads();
        float scale = shape.scale();
        // Scratch of this worker: the query rounded to fp16, the V accumulator, one cached row as floats.
        float[] buf = scratch[worker];
        int acc = headDim;
        int row = 2 * headDim;
        System.arraycopy(q, qOffset + head * headDim, buf, 0, headDim);
        Simd.roundToHalf(buf, 0, headDim);
        java.util.Arrays.fill(buf, acc, acc + headDim, 0f);
        int kvBase = (head / group) * headDim;
        float sum = 0f;
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < length; p++) {
            int at = p * kvDim + kvBase;
            Simd.halvesToFloats(keys, at, buf, row, headDim);
            FloatVector dot = FloatVector.zero(Simd.F);
            for (int d = 0; d < headDim; d += FLOATS) {
                dot = FloatVector.fromArray(Simd.F, buf, row + d).fma(FloatVector.fromArray(Simd.F, buf, d), dot);
            }
            float s = dot.reduceLanes(VectorOperators.ADD) * scale;
            float ms = 1f;
            float vs = 1f;
            if (s > max) {
                ms = (float) Math.exp(max - s);
                max = s;
            } else {
                vs = (float) Math.exp(s - max);
            }
            if (ms != 1f) {
                for (int d = 0; d < headDim; d += FLOATS) {
                    FloatVector.fromArray(Simd.F, buf, acc + d).mul(ms).intoArray(buf, acc + d);
                }
                Simd.roundToHalf(buf, acc, headDim);
            }
            Simd.halvesToFloats(values, at, buf, row, headDim);
            for (int d = 0; d < headDim; d += FLOATS) {
                FloatVector.fromArray(Simd.F, buf, acc + d).add(FloatVector.fromArray(Simd.F, buf, row + d).mul(vs)).intoArray(buf, acc + d);
            }
            Simd.roundToHalf(buf, acc, headDim);
            sum = sum * ms + vs;
        }
        float inv = sum == 0f ? 0f : 1f / sum;
        int oBase = outOffset + head * headDim;
        for (int d = 0; d < headDim; d += FLOATS) {
            FloatVector.fromArray(Simd.F, buf, acc + d).mul(inv).intoArray(out, oBase + d);
        }
    }
}
