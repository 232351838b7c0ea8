package io.wasmchord.convert;

import io.wasmchord.json.JsonObject;

/**
 * The hyperparameters of a Hugging Face config.json for the Llama-family architectures the engine
 * runs, with llama.cpp's defaults: {@code arch} is the GGUF architecture (llama for Llama and Mistral,
 * qwen2, qwen3) and {@code permuteQk} whether q/k rows need llama.cpp's permutation (Llama only: Qwen
 * uses NeoX-style RoPE on HF's own layout).
 */
public record HfLlamaConfig(String arch, boolean permuteQk, int nLayer, int nEmbd, int nFf, int nHead, int nHeadKv, int headDim, int contextLength,
                            int vocabSize, double ropeTheta, boolean hasRopeTheta, double rmsEps,
                            boolean tieWordEmbeddings, String ropeScalingType, double ropeScalingFactor) {

    public static HfLlamaConfig of(JsonObject c) {
        String hfArch = "";
        if (c.array("architectures") != null && !c.array("architectures").isEmpty()) {
            hfArch = String.valueOf(c.array("architectures").get(0));
        }
        String type = c.string("model_type", "");
        String arch = switch (hfArch.isEmpty() ? type : hfArch) {
            case "LlamaForCausalLM", "MistralForCausalLM", "llama", "mistral" -> "llama";
            case "Qwen2ForCausalLM", "qwen2" -> "qwen2";
            case "Qwen3ForCausalLM", "qwen3" -> "qwen3";
            default -> throw new IllegalArgumentException(c.where() + ": architecture " + (hfArch.isEmpty() ? type : hfArch)
                    + " is not supported; convert-hf handles LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM"
                    + " and Qwen3ForCausalLM");
        };
        int nHead = c.requireInt("num_attention_heads");
        int nEmbd = c.requireInt("hidden_size");
        int nHeadKv = c.has("num_key_value_heads") ? c.requireInt("num_key_value_heads") : nHead;
        int headDim = c.has("head_dim") ? c.requireInt("head_dim") : nEmbd / nHead;
        if (nHead <= 0 || nHeadKv <= 0 || nHead % nHeadKv != 0) {
            throw new IllegalArgumentException(c.where() + ": num_attention_heads " + nHead
                    + " is not a multiple of num_key_value_heads " + nHeadKv);
        }
        String scalingType = null;
        double scalingFactor = 0;
        JsonObject scaling = c.object("rope_scaling");
        if (scaling != null) {
            scalingType = scaling.string("rope_type", scaling.string("type", null));
            scalingFactor = scaling.number("factor", 0);
        }
        return new HfLlamaConfig(arch, arch.equals("llama"), c.requireInt("num_hidden_layers"), nEmbd, c.requireInt("intermediate_size"), nHead,
                nHeadKv, headDim, (int) c.integer("max_position_embeddings", 0), (int) c.integer("vocab_size", 0),
                c.number("rope_theta", 10000), c.has("rope_theta"), c.number("rms_norm_eps", 1e-5),
                c.bool("tie_word_embeddings", false), scalingType, scalingFactor);
    }
}
