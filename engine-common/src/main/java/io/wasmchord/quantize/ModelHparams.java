package io.wasmchord.quantize;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufValue;

/** The hyperparameters llama.cpp's per-tensor type rules look at, read from GGUF metadata. */
public record ModelHparams(String arch, int nLayer, int nHead, int nHeadKv, int nExpert) {

    public static ModelHparams of(GgufFile file) {
        String arch = file.getString("general.architecture", "");
        int nLayer = firstInt(file.get(arch + ".block_count"), 0);
        int nHead = firstInt(file.get(arch + ".attention.head_count"), 0);
        int nHeadKv = firstInt(file.get(arch + ".attention.head_count_kv"), nHead);
        int nExpert = firstInt(file.get(arch + ".expert_count"), 0);
        return new ModelHparams(arch, nLayer, nHead, nHeadKv, nExpert);
    }

    /** A scalar, or the first element of a per-layer array. */
    private static int firstInt(GgufValue v, int fallback) {
        if (v == null) {
            return fallback;
        }
        if (v.isArray()) {
            int[] a = v.asIntArray();
            return a.length == 0 ? fallback : a[0];
        }
        return v.asInt();
    }

    /** Query heads per key/value head (llama.cpp n_gqa); 0 when the model has no attention heads. */
    public int nGqa() {
        return nHeadKv == 0 ? 0 : nHead / nHeadKv;
    }

    /** llama.cpp's LLM_TYPE_70B: an 80-layer Llama with grouped-query attention. */
    public boolean isLlama70B() {
        return arch.equals("llama") && nLayer == 80 && nHead != nHeadKv;
    }

    public boolean isFalcon() {
        return arch.equals("falcon");
    }
}
