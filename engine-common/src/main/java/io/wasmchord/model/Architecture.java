package io.wasmchord.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The architectures the Llama-family graph runs, told apart by {@code general.architecture} alone.
 * Each differs from Llama by a few switches: the RoPE pairing, required Q/K/V biases, per-head Q/K
 * norms. (llama.cpp writes Mistral-7B-style models as "llama".)
 */
public enum Architecture {
    LLAMA("llama", RopeStyle.NORMAL, false, false),
    QWEN2("qwen2", RopeStyle.NEOX, true, false),
    QWEN3("qwen3", RopeStyle.NEOX, false, true);

    /** The {@code general.architecture} value, also the prefix of its metadata keys. */
    public final String ggufName;
    public final RopeStyle ropeStyle;
    /** Q, K and V projections carry biases that must be present. */
    public final boolean requiresQkvBias;
    /** Q and K are RMS-normalised per head (weights attn_q_norm / attn_k_norm) before RoPE. */
    public final boolean perHeadQkNorm;

    Architecture(String ggufName, RopeStyle ropeStyle, boolean requiresQkvBias, boolean perHeadQkNorm) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.requiresQkvBias = requiresQkvBias;
        this.perHeadQkNorm = perHeadQkNorm;
    }

    /** The architecture named {@code name}; an unknown one is an error listing the supported ones. */
    public static Architecture of(String name, String file) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        throw new ModelException(file + ": unsupported architecture \"" + name + "\" (general.architecture); supported: "
                + String.join(", ", supportedNames()));
    }

    public static List<String> supportedNames() {
        List<String> names = new ArrayList<>();
        for (Architecture a : values()) {
            names.add(a.ggufName);
        }
        return names;
    }
}
