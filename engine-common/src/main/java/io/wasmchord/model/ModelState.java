package io.wasmchord.model;

import io.wasmchord.kernel.Kernels;

/**
 * What one sequence needs to run through a model: its KV cache, the kernels (with their scratch) and
 * the activation buffers of a batch of up to {@code batchCapacity} tokens. Not shared across threads.
 */
public final class ModelState {
    final KvCache cache;
    final Kernels kernels;
    final int batchCapacity;
    final float[] x;       // residual stream, batch x dim
    final float[] xb;      // normed input, batch x dim
    final float[] xb2;     // sublayer output, batch x dim
    final float[] q;       // batch x qDim
    final float[] k;       // batch x kvDim
    final float[] v;       // batch x kvDim
    final float[] att;     // batch x qDim
    final float[] gate;    // batch x ff
    final float[] up;      // batch x ff
    final float[] logits;  // batch x vocab (only rows that were asked for)
    final byte[] rowBytes; // an embedding row in its file format

    ModelState(ModelConfig c, int context, Kernels kernels, int batchCapacity, int embeddingRowBytes) {
        this.cache = new KvCache(c.blockCount(), c.kvDim(), context);
        this.kernels = kernels;
        this.batchCapacity = batchCapacity;
        int dim = c.embeddingLength();
        this.x = new float[batchCapacity * dim];
        this.xb = new float[batchCapacity * dim];
        this.xb2 = new float[batchCapacity * dim];
        this.q = new float[batchCapacity * c.qDim()];
        this.k = new float[batchCapacity * c.kvDim()];
        this.v = new float[batchCapacity * c.kvDim()];
        this.att = new float[batchCapacity * c.qDim()];
        this.gate = new float[batchCapacity * c.feedForwardLength()];
        this.up = new float[batchCapacity * c.feedForwardLength()];
        this.logits = new float[batchCapacity * c.vocabSize()];
        this.rowBytes = new byte[embeddingRowBytes];
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
