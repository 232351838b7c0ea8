package io.wasmchord.convert;

import io.wasmchord.io.ByteSource;
import io.wasmchord.io.LittleEndian;

/**
 * A llama2.c checkpoint ({@code model.bin}): a header of seven int32 (dim, hidden_dim, n_layers,
 * n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab_size means a separate classifier)
 * followed by float32 arrays, each stacked over layers. Only offsets are computed; the weights stay
 * in the source.
 */
public final class Llama2cCheckpoint {
    private static final int HEADER_BYTES = 7 * 4;

    public final int dim;
    public final int hiddenDim;
    public final int nLayers;
    public final int nHeads;
    public final int nKvHeads;
    public final int vocabSize;
    public final int seqLen;
    /** True when the output classifier is the token embedding (positive vocab_size in the header). */
    public final boolean sharedClassifier;

    private final ByteSource source;
    private final long tokenEmbedding;
    private final long rmsAtt;
    private final long wq;
    private final long wk;
    private final long wv;
    private final long wo;
    private final long rmsFfn;
    private final long w1;
    private final long w2;
    private final long w3;
    private final long rmsFinal;
    private final long wcls;

    private Llama2cCheckpoint(ByteSource source, int[] h) {
        this.source = source;
        this.dim = h[0];
        this.hiddenDim = h[1];
        this.nLayers = h[2];
        this.nHeads = h[3];
        this.nKvHeads = h[4];
        this.sharedClassifier = h[5] > 0;
        this.vocabSize = Math.abs(h[5]);
        this.seqLen = h[6];
        String where = source.name() + ": llama2.c header ";
        if (dim <= 0 || hiddenDim <= 0 || nLayers <= 0 || nHeads <= 0 || vocabSize <= 0 || seqLen <= 0 || nKvHeads < 0) {
            throw new IllegalArgumentException(where + "has a non-positive size: " + describe());
        }
        if (dim % nHeads != 0) {
            throw new IllegalArgumentException(where + "dim " + dim + " is not a multiple of n_heads " + nHeads);
        }
        if (dim % multiQueries() != 0) {
            throw new IllegalArgumentException(where + "dim " + dim + " is not a multiple of n_heads / n_kv_heads");
        }
        long at = HEADER_BYTES;
        long d = dim;
        long l = nLayers;
        tokenEmbedding = at;
        at += 4L * vocabSize * d;
        rmsAtt = at;
        at += 4L * l * d;
        wq = at;
        at += 4L * l * d * d;
        wk = at;
        at += 4L * l * d * kvDim();
        wv = at;
        at += 4L * l * d * kvDim();
        wo = at;
        at += 4L * l * d * d;
        rmsFfn = at;
        at += 4L * l * d;
        w1 = at;
        at += 4L * l * hiddenDim * d;
        w2 = at;
        at += 4L * l * hiddenDim * d;
        w3 = at;
        at += 4L * l * hiddenDim * d;
        rmsFinal = at;
        at += 4L * d;
        at += 4L * seqLen * headSize(); // RoPE tables (real and imaginary halves), not needed
        wcls = at;
        if (!sharedClassifier) {
            at += 4L * vocabSize * d;
        }
        if (at != source.size()) {
            throw new IllegalArgumentException(source.name() + ": a llama2.c checkpoint with " + describe() + " holds "
                    + at + " bytes, but the file has " + source.size() + (at > source.size() ? " (truncated?)" : " (extra data?)"));
        }
    }

    public static Llama2cCheckpoint read(ByteSource source) {
        if (source.size() < HEADER_BYTES) {
            throw new IllegalArgumentException(source.name() + ": too small for a llama2.c checkpoint (" + source.size() + " bytes)");
        }
        byte[] b = new byte[HEADER_BYTES];
        source.read(0, b, 0, HEADER_BYTES);
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) {
            h[i] = LittleEndian.getInt(b, 4 * i);
        }
        return new Llama2cCheckpoint(source, h);
    }

    /** Query heads per key/value head, as llama.cpp's converter counts them. */
    public int multiQueries() {
        return nKvHeads <= 0 || nKvHeads >= nHeads ? 1 : nHeads / nKvHeads;
    }

    public int kvDim() {
        return dim / multiQueries();
    }

    public int headSize() {
        return dim / nHeads;
    }

    public String describe() {
        return "dim " + dim + ", hidden " + hiddenDim + ", layers " + nLayers + ", heads " + nHeads + ", kv heads "
                + nKvHeads + ", vocab " + vocabSize + (sharedClassifier ? " (shared classifier)" : "") + ", seq_len " + seqLen;
    }

    public ByteSource tokenEmbedding() {
        return source.slice(tokenEmbedding, 4L * vocabSize * dim);
    }

    public ByteSource classifier() {
        return sharedClassifier ? tokenEmbedding() : source.slice(wcls, 4L * vocabSize * dim);
    }

    public ByteSource finalNorm() {
        return source.slice(rmsFinal, 4L * dim);
    }

    public ByteSource attentionNorm(int layer) {
        return perLayer(rmsAtt, 4L * dim, layer);
    }

    public ByteSource ffnNorm(int layer) {
        return perLayer(rmsFfn, 4L * dim, layer);
    }

    public ByteSource wq(int layer) {
        return perLayer(wq, 4L * dim * dim, layer);
    }

    public ByteSource wk(int layer) {
        return perLayer(wk, 4L * dim * kvDim(), layer);
    }

    public ByteSource wv(int layer) {
        return perLayer(wv, 4L * dim * kvDim(), layer);
    }

    public ByteSource wo(int layer) {
        return perLayer(wo, 4L * dim * dim, layer);
    }

    public ByteSource w1(int layer) {
        return perLayer(w1, 4L * hiddenDim * dim, layer);
    }

    public ByteSource w2(int layer) {
        return perLayer(w2, 4L * hiddenDim * dim, layer);
    }

    public ByteSource w3(int layer) {
        return perLayer(w3, 4L * hiddenDim * dim, layer);
    }

    private ByteSource perLayer(long start, long bytes, int layer) {
        return source.slice(start + bytes * layer, bytes);
    }
}
