package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * llama-quantize's per-tensor type choice for the file types of {@link FileType}: which tensors may
 * be quantized, the mixture rules (more bits for attn_v, ffn_down and the output in chosen layers),
 * user overrides, and the fallback to a smaller block (or F16) when a row length does not divide
 * the block size. Stateful like llama.cpp's: tensors must be presented in llama.cpp's order (see
 * {@link QuantizePlan}), because layer counters advance as attn_v / ffn_* tensors go by.
 */
final class TensorTypeChooser {
    private final ModelHparams model;
    private final QuantizeOptions options;
    private final FileType ftype;
    private final int nAttentionWv;
    private final int nLayer;
    private final boolean tiedEmbeddings;
    private int iAttentionWv;
    private int iFfnDown;
    private int iFfnGate;
    private int iFfnUp;
    private int fallbacks;

    TensorTypeChooser(ModelHparams model, QuantizeOptions options, Iterable<String> allNames) {
        this.model = model;
        this.options = options;
        this.ftype = options.fileType();
        int nv = 0;
        boolean tied = true;
        for (String name : allNames) {
            TensorRole role = TensorRole.of(name);
            if (role.isAttentionV()) {
                nv++;
            }
            if (role == TensorRole.OUTPUT) {
                tied = false;
            }
        }
        this.nAttentionWv = nv;
        this.nLayer = model.nLayer();
        this.tiedEmbeddings = tied;
    }

    /** How many tensors fell back to another type because of their row length. */
    int fallbacks() {
        return fallbacks;
    }

    /** llama.cpp's tensor_allows_quantization: 2D+ weights, except norms and a list of small tensors. */
    boolean allowsQuantization(String name, long[] ne) {
        if (nDims(ne) < 2 || !name.endsWith("weight")) {
            return false;
        }
        if (!options.quantizeOutputTensor() && name.equals("output.weight")) {
            return false;
        }
        String[] excluded = {"_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel",
            "per_layer_model_proj", "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight",
            "indexer.q_proj.weight", "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight",
            "time_mix_w2.weight", "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight",
            "time_mix_a0.weight", "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight",
            "time_mix_g2.weight", "time_mix_decay_w1.weight", "time_mix_decay_w2.weight",
            "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd", "sam.neck.",
            "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd"};
        for (String e : excluded) {
            if (name.contains(e)) {
                return false;
            }
        }
        return !name.equals("position_embd.weight") && !name.equals("token_types.weight");
    }

    /** ggml_n_dims: trailing dimensions of size 1 do not count. */
    static int nDims(long[] ne) {
        for (int i = ne.length - 1; i >= 1; i--) {
            if (ne[i] > 1) {
                return i + 1;
            }
        }
        return 1;
    }

    /** The type tensor {@code name} gets; call once per tensor, in llama.cpp's order. */
    GgmlType choose(String name, long[] ne, GgmlType current) {
        if (!allowsQuantization(name, ne)) {
            return current;
        }
        TensorRole role = TensorRole.of(name);
        if (options.tokenEmbeddingType() != null && role == TensorRole.TOKEN_EMBD) {
            return options.tokenEmbeddingType();
        }
        if (options.outputTensorType() != null && role == TensorRole.OUTPUT) {
            return options.outputTensorType();
        }
        GgmlType type = ftype.defaultType;
        if (ftype.isQuantized()) {
            if (!options.pure()) {
                type = mixtureType(type, name, ne, role);
            }
            type = fallback(name, ne[0], type);
        }
        return type;
    }

    private static boolean useMoreBits(int iLayer, int nLayers) {
        return iLayer < nLayers / 8 || iLayer >= 7 * nLayers / 8 || (iLayer - nLayers / 8) % 3 == 2;
    }

    private int layerOf(int counter, String name) {
        if (model.nExpert() <= 1) {
            return counter;
        }
        // Expert tensors of one layer are not consecutive, so read the layer from the name.
        int layer = QuantizePlan.layerOf(name);
        if (layer < 0) {
            throw new IllegalArgumentException("cannot find the layer of tensor " + name);
        }
        if (layer >= nLayer) {
            throw new IllegalArgumentException("bad layer " + layer + " for tensor " + name + "; must be in [0, " + nLayer + ")");
        }
        return layer;
    }

    private GgmlType mixtureType(GgmlType type, String name, long[] ne, TensorRole role) {
        boolean falcon = model.isFalcon();
        if (role == TensorRole.OUTPUT || (tiedEmbeddings && role == TensorRole.TOKEN_EMBD)) {
            if (options.outputTensorType() != null) {
                return options.outputTensorType();
            }
            if (falcon || ne[0] % type.blockSize != 0) {
                return GgmlType.Q8_0;
            }
            return type != GgmlType.Q8_0 ? GgmlType.Q6_K : type;
        }
        if (role == TensorRole.TOKEN_EMBD) {
            return options.tokenEmbeddingType() != null ? options.tokenEmbeddingType() : type;
        }
        if (role.isAttentionV()) {
            switch (ftype) {
                case MOSTLY_Q2_K -> type = model.nGqa() >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
                case MOSTLY_Q3_K_M -> type = iAttentionWv < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case MOSTLY_Q3_K_L -> type = GgmlType.Q5_K;
                case MOSTLY_IQ4_NL, MOSTLY_IQ4_XS -> {
                    if (model.nGqa() >= 4) {
                        type = GgmlType.Q5_K;
                    }
                }
                case MOSTLY_Q4_K_M, MOSTLY_Q5_K_M -> {
                    if (useMoreBits(iAttentionWv, nAttentionWv)) {
                        type = GgmlType.Q6_K;
                    }
                }
                case MOSTLY_Q4_K_S -> {
                    if (iAttentionWv < 4) {
                        type = GgmlType.Q5_K;
                    }
                }
                default -> {
                }
            }
            if (model.isLlama70B() && (type == GgmlType.Q3_K || type == GgmlType.Q4_K)) {
                // 8 heads share each attn_v there, so it is small: give it more bits.
                type = GgmlType.Q5_K;
            }
            if (model.nExpert() == 8) {
                type = GgmlType.Q8_0;
            }
            ++iAttentionWv;
            return type;
        }
        switch (role) {
            case ATTENTION_K -> {
                return model.nExpert() == 8 ? GgmlType.Q8_0 : type;
            }
            case FFN_DOWN -> {
                int iLayer = layerOf(iFfnDown, name);
                int n = nLayer;
                switch (ftype) {
                    case MOSTLY_Q2_K -> type = GgmlType.Q3_K;
                    case MOSTLY_Q3_K_M -> type = iLayer < n / 16 ? GgmlType.Q5_K
                            : !falcon || useMoreBits(iLayer, n) ? GgmlType.Q4_K : GgmlType.Q3_K;
                    case MOSTLY_Q3_K_L -> type = falcon ? GgmlType.Q4_K : GgmlType.Q5_K;
                    case MOSTLY_Q4_K_M -> {
                        if (falcon) {
                            type = iLayer < n / 16 ? GgmlType.Q6_K : useMoreBits(iLayer, n) ? GgmlType.Q5_K : GgmlType.Q4_K;
                        } else if (useMoreBits(iLayer, n)) {
                            type = GgmlType.Q6_K;
                        }
                    }
                    case MOSTLY_IQ4_NL, MOSTLY_IQ4_XS -> {
                        if (iLayer < n / 8) {
                            type = GgmlType.Q5_K;
                        }
                    }
                    case MOSTLY_Q5_K_M -> {
                        if (useMoreBits(iLayer, n)) {
                            type = GgmlType.Q6_K;
                        }
                    }
                    case MOSTLY_Q4_K_S -> {
                        if (!falcon && iLayer < n / 8) {
                            type = GgmlType.Q5_K;
                        }
                    }
                    default -> {
                    }
                }
                ++iFfnDown;
                return type;
            }
            case ATTENTION_OUTPUT -> {
                if (!falcon) {
                    if (model.nExpert() == 8) {
                        switch (ftype) {
                            case MOSTLY_Q2_K, MOSTLY_Q3_K_S, MOSTLY_Q3_K_M, MOSTLY_IQ4_NL, MOSTLY_Q4_K_S,
                                 MOSTLY_Q4_K_M, MOSTLY_IQ4_XS -> type = GgmlType.Q5_K;
                            default -> {
                            }
                        }
                    } else {
                        switch (ftype) {
                            case MOSTLY_Q2_K -> type = GgmlType.Q3_K;
                            case MOSTLY_Q3_K_M -> type = GgmlType.Q4_K;
                            case MOSTLY_Q3_K_L -> type = GgmlType.Q5_K;
                            default -> {
                            }
                        }
                    }
                } else if (ftype == FileType.MOSTLY_Q3_K_L) {
                    type = GgmlType.Q4_K;
                }
                return type;
            }
            case FFN_GATE -> {
                layerOf(iFfnGate, name);
                ++iFfnGate;
                return type;
            }
            case FFN_UP -> {
                layerOf(iFfnUp, name);
                ++iFfnUp;
                return type;
            }
            default -> {
                return type;
            }
        }
    }

    /**
     * A row length that the chosen block does not divide falls back: 256-blocks to a 32-block type
     * of about the same size, 32-blocks (or a fallback that still does not fit) to F16.
     */
    private GgmlType fallback(String name, long ncols, GgmlType target) {
        if (ncols % target.blockSize == 0) {
            return target;
        }
        ++fallbacks;
        GgmlType type = switch (target) {
            case IQ4_XS -> GgmlType.IQ4_NL;
            case Q2_K, Q3_K -> GgmlType.Q4_0;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL -> GgmlType.F16;
            default -> throw new IllegalArgumentException("no fallback type is defined for " + target.displayName
                    + " (tensor " + name + ", row length " + ncols + ")");
        };
        return ncols % type.blockSize == 0 ? type : GgmlType.F16;
    }
}
