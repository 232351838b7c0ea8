package io.wasmchord.model;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;

/**
 * Hyperparameters of a Llama-family model, read from GGUF metadata ({@code <arch>.*} keys) with
 * llama.cpp's defaults where a key is optional.
 *
 * @param headDim          width of one attention head (key_length; embedding / heads by default)
 * @param ropeDimensions   how many leading dimensions of each head RoPE rotates
 * @param ropeFreqScale    position scale of linear RoPE scaling (1 / scaling factor; 1 when none)
 * @param contextLength    the training context ({@code <arch>.context_length})
 */
public record ModelConfig(Architecture architecture, int embeddingLength, int blockCount, int headCount,
                          int headCountKv, int headDim, int feedForwardLength, int vocabSize, int contextLength,
                          int ropeDimensions, float ropeFreqBase, float ropeFreqScale, float rmsEps) {

    public static ModelConfig read(GgufFile gguf) {
        String file = gguf.name();
        Architecture arch = Architecture.of(gguf.getString("general.architecture", "(missing)"), file);
        String p = arch.ggufName + ".";
        int dim = positive(gguf, p + "embedding_length", -1);
        int layers = positive(gguf, p + "block_count", -1);
        int heads = positive(gguf, p + "attention.head_count", -1);
        int kvHeads = positive(gguf, p + "attention.head_count_kv", heads);
        if (heads % kvHeads != 0) {
            throw new ModelException(file + ": " + heads + " attention heads are not a multiple of "
                    + kvHeads + " key/value heads");
        }
        int headDim = positive(gguf, p + "attention.key_length", dim / heads);
        int valueDim = positive(gguf, p + "attention.value_length", headDim);
        if (valueDim != headDim) {
            throw new ModelException(file + ": key length " + headDim + " differs from value length " + valueDim
                    + "; this graph needs them equal");
        }
        int ff = positive(gguf, p + "feed_forward_length", -1);
        int context = positive(gguf, p + "context_length", -1);
        int ropeDims = positive(gguf, p + "rope.dimension_count", headDim);
        if (ropeDims > headDim || ropeDims % 2 != 0) {
            throw new ModelException(file + ": rope.dimension_count " + ropeDims + " does not fit head dimension " + headDim);
        }
        float freqBase = gguf.getFloat(p + "rope.freq_base", 10000f);
        float freqScale = ropeFreqScale(gguf, p, file);
        float eps = gguf.getFloat(p + "attention.layer_norm_rms_epsilon", -1f);
        if (!(eps >= 0f)) {
            throw new ModelException(file + ": missing or bad " + p + "attention.layer_norm_rms_epsilon");
        }
        GgufTensor embd = gguf.tensor("token_embd.weight");
        if (embd == null) {
            throw new ModelException(file + ": no tensor token_embd.weight");
        }
        int vocab = positive(gguf, p + "vocab_size", (int) embd.rowCount());
        return new ModelConfig(arch, dim, layers, heads, kvHeads, headDim, ff, vocab, context, ropeDims,
                freqBase, freqScale, eps);
    }

    public int kvDim() {
        return headCountKv * headDim;
    }

    public int qDim() {
        return headCount * headDim;
    }

    private static float ropeFreqScale(GgufFile gguf, String p, String file) {
        String type = gguf.getString(p + "rope.scaling.type", "none");
        float factor = gguf.getFloat(p + "rope.scaling.factor", 0f);
        if (factor == 0f) {
            factor = gguf.getFloat(p + "rope.scale_linear", 0f); // the older key
        }
        switch (type) {
            case "none":
            case "linear":
                return factor > 0f ? 1f / factor : 1f;
            default:
                throw new ModelException(file + ": rope scaling \"" + type + "\" is not supported (none and linear are)");
        }
    }

    private static int positive(GgufFile gguf, String key, int fallback) {
        GgufValue v = gguf.get(key);
        if (v == null) {
            if (fallback <= 0) {
                throw new ModelException(gguf.name() + ": missing metadata key \"" + key + "\"");
            }
            return fallback;
        }
        if (v.isArray()) {
            throw new ModelException(gguf.name() + ": " + key + " varies per layer, which this graph does not support");
        }
        long n = v.asLong();
        if (n <= 0 || n > Integer.MAX_VALUE / 16) {
            throw new ModelException(gguf.name() + ": " + key + " = " + n + " is out of range");
        }
        return (int) n;
    }
}
