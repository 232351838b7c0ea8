package io.wasmchord.kernel;

/**
 * The compute the model asks of a backend. The scalar implementation in engine-common is the
 * reference (and the Wasm CPU path); faster backends implement the same contract and are tested
 * against it.
 */
public interface Kernels {

    /**
     * Multiplies {@code n} activation vectors by a weight matrix: for each t in [0, n) and each row r,
     * {@code out[t * w.rows() + r] = dot(row r of w, x[t * w.cols() .. (t + 1) * w.cols()))}.
     * Quantized weights see activations quantized to their vec-dot type first, as llama.cpp does.
     */
    void matmul(WeightMatrix w, float[] x, float[] out, int n);
}
