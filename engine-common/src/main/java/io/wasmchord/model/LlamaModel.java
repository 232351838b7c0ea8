package io.wasmchord.model;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.VectorMath;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.kernel.WeightRows;

/**
 * The Llama family's graph, after llama.cpp's: token embedding, then per layer
 * {@code x += Wo * attention(rope(Wq * norm(x)), rope(Wk * norm(x)), Wv * norm(x))} and
 * {@code x += Wdown * (silu(Wgate * norm(x)) * Wup * norm(x))}, then a final norm and the output
 * matrix (the embedding when tied). {@link Architecture} switches on biases and per-head Q/K norms.
 */
public final class LlamaModel implements LanguageModel {
    /** Tokens run through the graph together; longer inputs go in slices of this many. */
    private static final int BATCH = 128;

    private final ModelConfig config;
    private final WeightMatrix tokenEmbedding;
    private final Layer[] layers;
    private final float[] outputNorm;
    private final WeightMatrix output;
    private final float[] ropeFreqFactors;
    private final AttentionShape attentionShape;

    /** One transformer block's weights; the bias and Q/K-norm vectors are null when absent. */
    private record Layer(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                         float[] bq, float[] bk, float[] bv, float[] bo, float[] qNorm, float[] kNorm,
                         float[] ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down,
                         WeightMatrix[] qkv, WeightMatrix[] kv, WeightMatrix[] gateUp) {
        Layer(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
              float[] bq, float[] bk, float[] bv, float[] bo, float[] qNorm, float[] kNorm,
              float[] ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {
            // The matrices that read the same input, for one Kernels.matmuls call each (made once).
            this(attnNorm, wq, wk, wv, wo, bq, bk, bv, bo, qNorm, kNorm, ffnNorm, gate, up, down,
                    new WeightMatrix[] {wq, wk, wv}, new WeightMatrix[] {wk, wv}, new WeightMatrix[] {gate, up});
        }
    }

    public LlamaModel(GgufFile gguf, ModelConfig config) {
        this.config = config;
        Weights w = new Weights(gguf);
        int dim = config.embeddingLength();
        int vocab = config.vocabSize();
        this.tokenEmbedding = w.matrix("token_embd.weight", vocab, dim);
        this.outputNorm = w.vector("output_norm.weight", dim);
        this.output = w.has("output.weight") ? w.matrix("output.weight", vocab, dim) : tokenEmbedding;
        this.ropeFreqFactors = w.optionalVector("rope_freqs.weight", config.ropeDimensions() / 2);
        this.attentionShape = new AttentionShape(config.headCount(), config.headCountKv(), config.headDim(),
                1f / (float) Math.sqrt(config.headDim()));
        this.layers = new Layer[config.blockCount()];
        Architecture arch = config.architecture();
        for (int i = 0; i < layers.length; i++) {
            String p = "blk." + i + ".";
            int q = config.qDim();
            int kv = config.kvDim();
            int ff = config.feedForwardLength();
            boolean bias = arch.requiresQkvBias || w.has(p + "attn_q.bias");
            layers[i] = new Layer(
                    w.vector(p + "attn_norm.weight", dim),
                    w.matrix(p + "attn_q.weight", q, dim),
                    w.matrix(p + "attn_k.weight", kv, dim),
                    w.matrix(p + "attn_v.weight", kv, dim),
                    w.matrix(p + "attn_output.weight", dim, q),
                    bias ? w.vector(p + "attn_q.bias", q) : null,
                    bias ? w.vector(p + "attn_k.bias", kv) : null,
                    bias ? w.vector(p + "attn_v.bias", kv) : null,
                    w.optionalVector(p + "attn_output.bias", dim),
                    arch.perHeadQkNorm ? w.vector(p + "attn_q_norm.weight", config.headDim()) : null,
                    arch.perHeadQkNorm ? w.vector(p + "attn_k_norm.weight", config.headDim()) : null,
                    w.vector(p + "ffn_norm.weight", dim),
                    w.matrix(p + "ffn_gate.weight", ff, dim),
                    w.matrix(p + "ffn_up.weight", ff, dim),
                    w.matrix(p + "ffn_down.weight", dim, ff));
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelState newState(int context, Kernels kernels) {
        if (context <= 0) {
            throw new ModelException("context must be positive, got " + context);
        }
        return new ModelState(config, context, kernels, BATCH, tokenEmbedding.rowBytes());
    }

    @Override
    public void forward(ModelState s, int[] tokens, int offset, int count, int outputs, float[] logits) {
        if (outputs < 0 || outputs > count) {
            throw new IllegalArgumentException("asked for " + outputs + " logit rows of " + count + " tokens");
        }
        if (s.length() + count > s.capacity()) {
            throw new ModelException("context full: " + s.length() + " positions used, " + count
                    + " more do not fit in a context of " + s.capacity());
        }
        int firstOutput = count - outputs;
        for (int done = 0; done < count; ) {
            int n = Math.min(s.batchCapacity, count - done);
            int outFrom = Math.min(Math.max(firstOutput - done, 0), n);
            int logitsRow = done + outFrom - firstOutput;
            forwardBatch(s, tokens, offset + done, n, outFrom, logits, logitsRow);
            done += n;
        }
    }

    /**
     * Runs {@code n <= batchCapacity} tokens; rows from {@code outFrom} on produce logits. In the last layer
     * only those rows go on past the keys and values, as in llama.cpp (its inp_out_ids): a prompt asks for
     * one row of logits, and the other rows' queries, attention and feed-forward there would feed nothing.
     */
    private void forwardBatch(ModelState s, int[] tokens, int offset, int n, int outFrom, float[] logits, int logitsRow) {
        ModelConfig c = config;
        Kernels kernels = s.kernels;
        int dim = c.embeddingLength();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int ff = c.feedForwardLength();
        int pos0 = s.length();
        s.reserve(n);
        for (int t = 0; t < n; t++) {
            int token = tokens[offset + t];
            if (token < 0 || token >= c.vocabSize()) {
                throw new ModelException("token id " + token + " outside the vocabulary [0, " + c.vocabSize() + ")");
            }
            WeightRows.dequantize(tokenEmbedding, token, s.x, t * dim, s.rowBytes);
        }
        if (s.rope == null) { // made once per state: decoding allocates nothing per token
            s.rope = new Rope(c.architecture().ropeStyle, c.ropeDimensions(), c.ropeFreqBase(), c.ropeFreqScale(),
                    ropeFreqFactors);
        }
        Rope rope = s.rope;
        rope.setPositions(pos0, n);
        for (int l = 0; l < layers.length; l++) {
            Layer L = layers[l];
            int from = l == layers.length - 1 ? outFrom : 0; // rows [from, n) go on past the cache
            int m = n - from;
            kernels.rmsNorm(s.x, L.attnNorm, s.xb, dim, n, c.rmsEps());
            if (from == 0) {
                kernels.matmuls(L.qkv, s.xb, s.qkv, n);
            } else {
                kernels.matmuls(L.kv, s.xb, s.kv, n);
                dropFirstRows(s.xb, from, m, dim);
                dropFirstRows(s.x, from, m, dim);
                if (m > 0) {
                    kernels.matmul(L.wq, s.xb, s.q, m);
                }
            }
            if (L.bq != null) {
                VectorMath.addBias(s.q, L.bq, m);
                VectorMath.addBias(s.k, L.bk, n);
                VectorMath.addBias(s.v, L.bv, n);
            }
            if (L.qNorm != null) {
                normHeads(s.q, m * c.headCount(), L.qNorm);
                normHeads(s.k, n * c.headCountKv(), L.kNorm);
            }
            for (int t = 0; t < n; t++) {
                rope.apply(s.k, t * kvDim, c.headCountKv(), c.headDim(), t);
                s.cache.store(kernels, l, pos0 + t, s.k, t * kvDim, s.v, t * kvDim);
            }
            if (m == 0) {
                continue; // the last layer of a slice that produces no logits: its cache rows were all it gave
            }
            for (int r = 0; r < m; r++) {
                rope.apply(s.q, r * qDim, c.headCount(), c.headDim(), from + r);
            }
            kernels.causalAttention(s.q, s.cache.keys(l), s.cache.values(l), pos0 + from, m, attentionShape, s.att);
            kernels.matmul(L.wo, s.att, s.xb2, m);
            if (L.bo != null) {
                VectorMath.addBias(s.xb2, L.bo, m);
            }
            VectorMath.add(s.x, 0, s.xb2, 0, m * dim);

            kernels.rmsNorm(s.x, L.ffnNorm, s.xb, dim, m, c.rmsEps());
            kernels.matmuls(L.gateUp, s.xb, s.gateUp, m);
            kernels.swiglu(s.gate, s.up, m * ff);
            kernels.matmul(L.down, s.gate, s.xb2, m);
            VectorMath.add(s.x, 0, s.xb2, 0, m * dim);
        }
        s.cache.setLength(pos0 + n);

        int outputs = n - outFrom; // now rows 0 .. outputs - 1 of x
        if (outputs > 0) {
            for (int t = 0; t < outputs; t++) {
                VectorMath.rmsNorm(s.x, t * dim, outputNorm, s.xb, t * dim, dim, c.rmsEps());
            }
            float[] rows = s.logits(outputs, c.vocabSize());
            kernels.matmul(output, s.xb, rows, outputs);
            System.arraycopy(rows, 0, logits, logitsRow * c.vocabSize(), outputs * c.vocabSize());
        }
    }

    /** Moves rows {@code [from, from + m)} of {@code width} values to the front of {@code a}. */
    private static void dropFirstRows(float[] a, int from, int m, int width) {
        System.arraycopy(a, from * width, a, 0, m * width);
    }

    /** RMS-normalises each of {@code heads} head vectors in place and scales it by {@code weight}. */
    private void normHeads(float[] x, int heads, float[] weight) {
        int hd = config.headDim();
        for (int h = 0; h < heads; h++) {
            VectorMath.rmsNorm(x, h * hd, weight, x, h * hd, hd, config.rmsEps());
        }
    }
}
