package io.wasmchord.model;

import io.wasmchord.kernel.Kernels;

/**
 * What one sequence needs to run through a model: its KV cache, the kernels (with their scratch) and
 * the activation buffers of a batch of up to {@code batchCapacity} tokens. The buffers grow to the
 * largest batch actually run, so a session that only decodes keeps one row of each. Not shared
 * across threads.
 */
public final class ModelState {
    final KvCache cache;
    final Kernels kernels;
    final int batchCapacity;
    private final ModelConfig config;
    private int rows;
    float[] x;       // residual stream, rows x dim
    float[] xb;      // normed input, rows x dim
    float[] xb2;     // sublayer output, rows x dim
    float[] q;       // rows x qDim
    float[] k;       // rows x kvDim
    float[] v;       // rows x kvDim
    float[] att;     // rows x qDim
    float[] gate;    // rows x ff
    float[] up;      // rows x ff
    float[][] qkv;    // {q, k, v}: the outputs of one Kernels.matmuls
    float[][] kv;     // {k, v}
    float[][] gateUp; // {gate, up}
    private float[] logits;
    Rope rope;       // the model's rotary tables for this sequence's positions
    final byte[] rowBytes; // an embedding row in its file format

    ModelState(ModelConfig c, int context, Kernels kernels, int batchCapacity, int embeddingRowBytes) {
        this.cache = new KvCache(c.blockCount(), c.kvDim(), context);
        this.kernels = kernels;
        this.batchCapacity = batchCapacity;
        this.config = c;
        this.rowBytes = new byte[embeddingRowBytes];
        // A decoding sequence's buffers exist before its first token, so decoding never allocates.
        reserve(1);
        this.logits = new float[c.vocabSize()];
    }

    /** Makes the activation buffers hold {@code n <= batchCapacity} rows. */
    void reserve(int n) {
        if (n <= rows) {
            return;
        }
        ModelConfig c = config;
        x = new float[n * c.embeddingLength()];
        xb = new float[n * c.embeddingLength()];
        xb2 = new float[n * c.embeddingLength()];
        q = new float[n * c.qDim()];
        k = new float[n * c.kvDim()];
        v = new float[n * c.kvDim()];
        att = new float[n * c.qDim()];
        gate = new float[n * c.feedForwardLength()];
        up = new float[n * c.feedForwardLength()];
        qkv = new float[][] {q, k, v};
        kv = new float[][] {k, v};
        gateUp = new float[][] {gate, up};
        rows = n;
    }

    /** The logits buffer with room for {@code n} rows of {@code vocab} values. */
    float[] logits(int n, int vocab) {
        if (logits.length < n * vocab) {
            logits = new float[n * vocab];
        }
        return logits;
    }

    public KvCache cache() {
        return cache;
    }

    /** Positions already in the cache; the next token runs at this position. */
    public int length() {
        return cache.length();
    }

    public int capacity() {
        return cache.capacity();
    }
}
