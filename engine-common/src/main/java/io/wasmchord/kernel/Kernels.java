package io.wasmchord.kernel;

import io.wasmchord.quant.Half;

/**
 * The compute the model asks of a backend. The scalar implementation in engine-common is the
 * reference (and the Wasm CPU path); faster backends implement the same contract and are tested
 * against it. An instance may keep scratch space, so one instance serves one thread at a time.
 */
public interface Kernels {

    /**
     * Multiplies {@code n} activation vectors by a weight matrix: for each t in [0, n) and each row r,
     * {@code out[t * w.rows() + r] = dot(row r of w, x[t * w.cols() .. (t + 1) * w.cols()))}.
     * Quantized weights see activations quantized to their vec-dot type first, as llama.cpp does.
     */
    void matmul(WeightMatrix w, float[] x, float[] out, int n);

    /**
     * Several matmuls of the same input, as {@link #matmul} of each {@code w[i]} into {@code out[i]}: the
     * matrices share their column count (a layer's Q, K and V, or its gate and up). A backend may encode the
     * input once and spread all rows over its threads in one step; the result is the same.
     */
    default void matmuls(WeightMatrix[] w, float[] x, float[][] out, int n) {
        for (int i = 0; i < w.length; i++) {
            matmul(w[i], x, out[i], n);
        }
    }

    /**
     * Causal attention of one query position over the cached positions {@code [0, length)}, every
     * head at once, with K and V held in fp16 as llama.cpp's cache holds them. {@code q} holds
     * {@code shape.heads()} head vectors from {@code qOffset}; the result (same layout) goes to
     * {@code out} from {@code outOffset}. Rows of {@code keys} and {@code values} are positions of
     * {@code shape.kvHeads() * shape.headDim()} values.
     */
    default void attention(float[] q, int qOffset, short[] keys, short[] values, int length,
                           AttentionShape shape, float[] out, int outOffset) {
        FlashAttention.compute(q, qOffset, keys, values, length, shape, out, outOffset,
                new float[2 * shape.headDim()]);
    }

    /**
     * {@link #attention} for a prompt batch: {@code n} queries at positions {@code start .. start + n - 1},
     * query t (row t of {@code shape.qDim()} values in {@code q}) attending the cached positions
     * {@code [0, start + t]}; its result goes to row t of {@code out}. The cache must already hold the
     * batch's keys and values. One call per layer lets a backend spread heads and query blocks over its
     * threads and reuse each block of keys for many queries.
     */
    default void causalAttention(float[] q, short[] keys, short[] values, int start, int n, AttentionShape shape,
                                 float[] out) {
        for (int t = 0; t < n; t++) {
            attention(q, t * shape.qDim(), keys, values, start + t + 1, shape, out, t * shape.qDim());
        }
    }

    /**
     * RMS normalisation fused with the norm weight, for {@code rows} consecutive rows of {@code n} values:
     * {@code out[t*n + i] = x[t*n + i] / sqrt(mean(x_t^2) + eps) * weight[i]}, as {@link VectorMath#rmsNorm}.
     */
    default void rmsNorm(float[] x, float[] weight, float[] out, int n, int rows, float eps) {
        for (int t = 0; t < rows; t++) {
            VectorMath.rmsNorm(x, t * n, weight, out, t * n, n, eps);
        }
    }

    /** SwiGLU fused in one pass: {@code gate[i] = silu(gate[i]) * up[i]} for the first {@code n} values. */
    default void swiglu(float[] gate, float[] up, int n) {
        VectorMath.swiglu(gate, up, n);
    }

    /**
     * {@code n} floats of {@code src} from {@code from} rounded to fp16 (to nearest, ties to even, as
     * {@link Half#fromFloat}) into {@code dst} from {@code at}: the KV cache's stores.
     */
    default void toHalf(float[] src, int from, short[] dst, int at, int n) {
        for (int i = 0; i < n; i++) {
            dst[at + i] = Half.fromFloat(src[from + i]);
        }
    }
}
