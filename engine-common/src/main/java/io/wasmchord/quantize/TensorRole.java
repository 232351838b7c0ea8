package io.wasmchord.quantize;

/** The broad tensor roles llama.cpp's quantization rules distinguish, found from the tensor name. */
enum TensorRole {
    TOKEN_EMBD, ATTENTION_Q, ATTENTION_V, ATTENTION_K, ATTENTION_QKV, ATTENTION_KV_B, ATTENTION_OUTPUT,
    FFN_UP, FFN_GATE, FFN_DOWN, OUTPUT, OTHER;

    static TensorRole of(String name) {
        if (name.equals("output.weight")) {
            return OUTPUT;
        }
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) {
            return TOKEN_EMBD;
        }
        if (name.contains("attn_qkv.weight")) {
            return ATTENTION_QKV;
        }
        if (name.contains("attn_kv_b.weight")) {
            return ATTENTION_KV_B;
        }
        if (name.contains("attn_v.weight")) {
            return ATTENTION_V;
        }
        if (name.contains("attn_k.weight")) {
            return ATTENTION_K;
        }
        if (name.contains("attn_q.weight")) {
            return ATTENTION_Q;
        }
        if (name.contains("attn_output.weight")) {
            return ATTENTION_OUTPUT;
        }
        if (name.contains("ffn_up")) {
            return FFN_UP;
        }
        if (name.contains("ffn_gate")) {
            return FFN_GATE;
        }
        if (name.contains("ffn_down")) {
            return FFN_DOWN;
        }
        return OTHER;
    }

    /** The value projections, which the mixtures treat as most sensitive. */
    boolean isAttentionV() {
        return this == ATTENTION_V || this == ATTENTION_QKV || this == ATTENTION_KV_B;
    }
}
