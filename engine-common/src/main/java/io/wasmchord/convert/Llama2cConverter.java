package io.wasmchord.convert;

import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufValueType;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.io.ByteSource;
import io.wasmchord.quant.GgmlType;
import java.io.OutputStream;

/**
 * llama2.c checkpoint + vocabulary to a GGUF file laid out as llama.cpp's convert-llama2c-to-ggml
 * writes it (same keys in the same order, same tensor order, weights copied unchanged). Weights are
 * streamed from the checkpoint, never held whole.
 */
public final class Llama2cConverter {
    /** llama.cpp's converter caps the rotary dimension at this. */
    private static final int MAX_ROPE_DIMS = 64;

    private Llama2cConverter() {
    }

    /**
     * @param contextLength the llama.context_length to record; llama.cpp's converter always writes 128,
     *                      the checkpoint's own is {@link Llama2cCheckpoint#seqLen}
     */
    public static GgufWriter writer(Llama2cCheckpoint ck, Llama2cVocab vocab, int contextLength) {
        GgufWriter w = new GgufWriter();
        w.put("tokenizer.ggml.tokens", GgufValue.ofStrings(vocab.tokens()));
        w.put("tokenizer.ggml.scores", GgufValue.ofFloats(vocab.scores()));
        w.put("tokenizer.ggml.token_type", GgufValue.ofInts(vocab.types()));
        w.put("tokenizer.ggml.model", GgufValue.of("llama"));
        w.put("general.architecture", GgufValue.of("llama"));
        w.put("general.name", GgufValue.of("llama"));
        w.put("tokenizer.ggml.unknown_token_id", GgufValue.ofUint32(0));
        w.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(1));
        w.put("tokenizer.ggml.eos_token_id", GgufValue.ofUint32(2));
        w.put("tokenizer.ggml.seperator_token_id", GgufValue.ofUint32(-1));
        w.put("tokenizer.ggml.padding_token_id", GgufValue.ofUint32(-1));
        w.put("llama.context_length", GgufValue.ofUint32(contextLength));
        w.put("llama.embedding_length", GgufValue.ofUint32(ck.dim));
        w.put("llama.feed_forward_length", GgufValue.ofUint32(ck.hiddenDim));
        w.put("llama.attention.head_count", GgufValue.ofUint32(ck.nHeads));
        w.put("llama.attention.head_count_kv", GgufValue.ofUint32(ck.nKvHeads));
        w.put("llama.block_count", GgufValue.ofUint32(ck.nLayers));
        w.put("llama.rope.dimension_count", GgufValue.ofUint32(Math.min(MAX_ROPE_DIMS, ck.headSize())));
        w.put("llama.attention.layer_norm_rms_epsilon", GgufValue.scalar(GgufValueType.FLOAT32, 1e-5f));

        long d = ck.dim;
        long ff = ck.hiddenDim;
        add(w, "token_embd.weight", new long[] {d, ck.vocabSize}, ck.tokenEmbedding());
        add(w, "output_norm.weight", new long[] {d}, ck.finalNorm());
        add(w, "output.weight", new long[] {d, ck.vocabSize}, ck.classifier());
        for (int i = 0; i < ck.nLayers; i++) {
            String p = "blk." + i + ".";
            add(w, p + "attn_q.weight", new long[] {d, d}, ck.wq(i));
            add(w, p + "attn_k.weight", new long[] {d, ck.kvDim()}, ck.wk(i));
            add(w, p + "attn_v.weight", new long[] {d, ck.kvDim()}, ck.wv(i));
            add(w, p + "attn_output.weight", new long[] {d, d}, ck.wo(i));
            add(w, p + "attn_norm.weight", new long[] {d}, ck.attentionNorm(i));
            add(w, p + "ffn_gate.weight", new long[] {d, ff}, ck.w1(i));
            add(w, p + "ffn_down.weight", new long[] {ff, d}, ck.w2(i));
            add(w, p + "ffn_up.weight", new long[] {d, ff}, ck.w3(i));
            add(w, p + "ffn_norm.weight", new long[] {d}, ck.ffnNorm(i));
        }
        return w;
    }

    private static void add(GgufWriter w, String name, long[] ne, ByteSource data) {
        w.addTensor(name, GgmlType.F32, ne, out -> copy(data, out));
    }

    static void copy(ByteSource data, OutputStream out) throws java.io.IOException {
        byte[] buf = new byte[1 << 16];
        long size = data.size();
        for (long at = 0; at < size; at += buf.length) {
            int n = (int) Math.min(buf.length, size - at);
            data.read(at, buf, 0, n);
            out.write(buf, 0, n);
        }
    }
}
