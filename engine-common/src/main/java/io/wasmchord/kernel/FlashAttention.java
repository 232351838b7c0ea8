package io.wasmchord.kernel;

import io.wasmchord.quant.Half;

/**
 * The reference attention: one pass of online softmax per head, as ggml's CPU flash attention does it
 * with an fp16 cache. Its numerics are copied on purpose: the query is rounded to fp16 before the
 * K dot products, and the weighted sum of V is accumulated in fp16 (rounded after every step). Written
 * for Wasm as much as for the JVM (it is the Wasm build's attention where SIMD cannot serve): fp16 values
 * become floats through a table of all 65536, and rounding to fp16 is {@link Half#roundToHalf}, both
 * branch-free in the common case and exact.
 */
public final class FlashAttention {
    private static final float[] HALF_TO_FLOAT = buildHalfTable();

    private FlashAttention() {
    }

    private static float[] buildHalfTable() {
        float[] t = new float[1 << 16];
        for (int h = 0; h < t.length; h++) {
            t[h] = Half.toFloat(h);
        }
        return t;
    }

    /**
     * See {@link Kernels#attention}; {@code scratch} holds at least {@code 2 * headDim} floats.
     */
    public static void compute(float[] q, int qOffset, short[] keys, short[] values, int length,
                               AttentionShape shape, float[] out, int outOffset, float[] scratch) {
        float[] half = HALF_TO_FLOAT;
        int headDim = shape.headDim();
        int kvDim = shape.kvDim();
        int group = shape.heads() / shape.kvHeads();
        float scale = shape.scale();
        float[] qh = scratch;               // [0, headDim): the query head in fp16 precision
        int acc = headDim;                  // [headDim, 2 headDim): the fp16 V accumulator
        for (int h = 0; h < shape.heads(); h++) {
            int qBase = qOffset + h * headDim;
            for (int d = 0; d < headDim; d++) {
                qh[d] = Half.roundToHalf(q[qBase + d]);
                scratch[acc + d] = 0f;
            }
            int kvBase = (h / group) * headDim;
            float sum = 0f;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < length; p++) {
                int row = p * kvDim + kvBase;
                double dot = 0;
                for (int d = 0; d < headDim; d++) {
                    dot += qh[d] * half[keys[row + d] & 0xFFFF];
                }
                float s = (float) dot * scale;
                float ms = 1f;
                float vs = 1f;
                if (s > max) {
                    ms = (float) Math.exp(max - s);
                    max = s;
                    for (int d = 0; d < headDim; d++) {
                        scratch[acc + d] = Half.roundToHalf(scratch[acc + d] * ms);
                    }
                } else {
                    vs = (float) Math.exp(s - max);
                }
                for (int d = 0; d < headDim; d++) {
                    scratch[acc + d] = Half.roundToHalf(scratch[acc + d] + half[values[row + d] & 0xFFFF] * vs);
                }
                sum = sum * ms + vs;
            }
            float inv = sum == 0f ? 0f : 1f / sum;
            int oBase = outOffset + h * headDim;
            for (int d = 0; d < headDim; d++) {
                out[oBase + d] = scratch[acc + d] * inv;
            }
        }
    }
}
