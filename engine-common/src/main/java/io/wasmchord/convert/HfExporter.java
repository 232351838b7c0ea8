package io.wasmchord.convert;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteSource;
import io.wasmchord.json.Json;
import io.wasmchord.quant.GgmlType;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A llama GGUF model (F32/F16/BF16 weights, SentencePiece "llama" vocabulary) as a Hugging Face
 * directory's contents: config.json, tokenizer.json (the byte-fallback BPE form that transformers
 * builds from a SentencePiece model), tokenizer_config.json, and the safetensors tensors with HF
 * names and q/k rows in HF's rotate-half order. The inverse of {@link HfLlamaConverter}.
 */
public final class HfExporter {
    private final GgufFile gguf;
    private final int nLayer;
    private final int nHead;
    private final int nHeadKv;

    public HfExporter(GgufFile gguf) {
        this.gguf = gguf;
        String arch = gguf.getString("general.architecture", "");
        if (!arch.equals("llama")) {
            throw new IllegalArgumentException(gguf.name() + ": architecture " + arch + " cannot be exported; only llama");
        }
        this.nLayer = gguf.require("llama.block_count").asInt();
        this.nHead = gguf.require("llama.attention.head_count").asInt();
        this.nHeadKv = gguf.getInt("llama.attention.head_count_kv", nHead);
    }

    public String configJson() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("LlamaForCausalLM"));
        c.put("model_type", "llama");
        c.put("hidden_act", "silu");
        c.put("hidden_size", (long) gguf.require("llama.embedding_length").asInt());
        c.put("intermediate_size", (long) gguf.require("llama.feed_forward_length").asInt());
        c.put("num_attention_heads", (long) nHead);
        c.put("num_key_value_heads", (long) nHeadKv);
        c.put("num_hidden_layers", (long) nLayer);
        c.put("max_position_embeddings", (long) gguf.getInt("llama.context_length", 2048));
        c.put("rms_norm_eps", (double) gguf.getFloat("llama.attention.layer_norm_rms_epsilon", 1e-5f));
        c.put("rope_theta", (double) gguf.getFloat("llama.rope.freq_base", 10000f));
        c.put("vocab_size", (long) vocabSize());
        c.put("tie_word_embeddings", gguf.tensor("output.weight") == null);
        c.put("bos_token_id", (long) gguf.getInt("tokenizer.ggml.bos_token_id", 1));
        c.put("eos_token_id", (long) gguf.getInt("tokenizer.ggml.eos_token_id", 2));
        c.put("torch_dtype", torchDtype(gguf.tensor("token_embd.weight").type()));
        return Json.writePretty(c);
    }

    private int vocabSize() {
        return (int) gguf.tensor("token_embd.weight").ne()[1];
    }

    private String[] tokens() {
        if (!"llama".equals(gguf.getString("tokenizer.ggml.model", ""))) {
            throw new IllegalArgumentException(gguf.name() + ": only a SentencePiece (llama) vocabulary can be exported");
        }
        return gguf.require("tokenizer.ggml.tokens").asStringArray();
    }

    /** The special tokens: control and unknown tokens. */
    private List<Integer> specialIds() {
        int[] types = gguf.require("tokenizer.ggml.token_type").asIntArray();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == HfVocab.CONTROL || types[i] == HfVocab.UNKNOWN) {
                out.add(i);
            }
        }
        return out;
    }

    public String tokenizerJson() {
        String[] tokens = tokens();
        float[] scores = gguf.require("tokenizer.ggml.scores").asFloatArray();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        List<Object> added = new ArrayList<>();
        for (int id : specialIds()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", (long) id);
            a.put("content", tokens[id]);
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", true);
            added.add(a);
        }
        root.put("added_tokens", added);
        root.put("normalizer", Map.of("type", "Sequence", "normalizers", List.of(
                Map.of("type", "Prepend", "prepend", "\u2581"),
                Map.of("type", "Replace", "pattern", Map.of("String", " "), "content", "\u2581"))));
        root.put("pre_tokenizer", null);
        root.put("post_processor", null);
        root.put("decoder", Map.of("type", "Sequence", "decoders", List.of(
                Map.of("type", "Replace", "pattern", Map.of("String", "\u2581"), "content", " "),
                Map.of("type", "ByteFallback"), Map.of("type", "Fuse"),
                Map.of("type", "Strip", "content", " ", "start", 1L, "stop", 0L))));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", tokens[gguf.getInt("tokenizer.ggml.unknown_token_id", 0)]);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            vocab.put(tokens[i], (long) i);
        }
        model.put("vocab", vocab);
        model.put("merges", merges(tokens, scores));
        root.put("model", model);
        return Json.write(root);
    }

    /**
     * Merges as transformers derives them from a SentencePiece model: every split of a piece into two
     * pieces, ordered by the piece's score (highest first), then by the parts' ids.
     */
    static List<Object> merges(String[] tokens, float[] scores) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            ids.putIfAbsent(tokens[i], i);
        }
        record Merge(String left, String right, float score, int order) {
        }
        List<Merge> all = new ArrayList<>();
        for (int id = 0; id < tokens.length; id++) {
            String piece = tokens[id];
            List<Merge> local = new ArrayList<>();
            // split between code points, as Python slices a str
            for (int at = piece.isEmpty() ? 0 : Character.charCount(piece.codePointAt(0)); at < piece.length();
                 at += Character.charCount(piece.codePointAt(at))) {
                String l = piece.substring(0, at);
                String r = piece.substring(at);
                if (ids.containsKey(l) && ids.containsKey(r)) {
                    local.add(new Merge(l, r, scores[id], 0));
                }
            }
            local.sort((a, b) -> ids.get(a.left()) != ids.get(b.left()).intValue()
                    ? Integer.compare(ids.get(a.left()), ids.get(b.left())) : Integer.compare(ids.get(a.right()), ids.get(b.right())));
            for (Merge m : local) {
                all.add(new Merge(m.left(), m.right(), m.score(), all.size()));
            }
        }
        all.sort((a, b) -> a.score() != b.score() ? Float.compare(b.score(), a.score()) : Integer.compare(a.order(), b.order()));
        List<Object> out = new ArrayList<>();
        for (Merge m : all) {
            out.add(m.left() + " " + m.right());
        }
        return out;
    }

    public String tokenizerConfigJson() {
        String[] tokens = tokens();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("add_bos_token", gguf.getBool("tokenizer.ggml.add_bos_token", true));
        c.put("add_eos_token", gguf.getBool("tokenizer.ggml.add_eos_token", false));
        Map<String, Object> decoder = new LinkedHashMap<>();
        for (int id : specialIds()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("content", tokens[id]);
            a.put("lstrip", false);
            a.put("normalized", false);
            a.put("rstrip", false);
            a.put("single_word", false);
            a.put("special", true);
            decoder.put(Integer.toString(id), a);
        }
        c.put("added_tokens_decoder", decoder);
        c.put("bos_token", tokens[gguf.getInt("tokenizer.ggml.bos_token_id", 1)]);
        c.put("eos_token", tokens[gguf.getInt("tokenizer.ggml.eos_token_id", 2)]);
        c.put("unk_token", tokens[gguf.getInt("tokenizer.ggml.unknown_token_id", 0)]);
        if (gguf.has("tokenizer.chat_template")) {
            c.put("chat_template", gguf.require("tokenizer.chat_template").asString());
        }
        c.put("clean_up_tokenization_spaces", false);
        c.put("legacy", false);
        c.put("model_max_length", (long) gguf.getInt("llama.context_length", 2048));
        c.put("tokenizer_class", "LlamaTokenizer");
        return Json.writePretty(c);
    }

    private static String torchDtype(GgmlType t) {
        return switch (t) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        };
    }

    /** The tensors with HF names, in HF's layer order. */
    public List<SafetensorsWriter.Entry> tensors() {
        List<SafetensorsWriter.Entry> out = new ArrayList<>();
        add(out, "token_embd.weight", "model.embed_tokens.weight", 0);
        for (int i = 0; i < nLayer; i++) {
            String b = "blk." + i + ".";
            String h = "model.layers." + i + ".";
            add(out, b + "attn_norm.weight", h + "input_layernorm.weight", 0);
            add(out, b + "attn_q.weight", h + "self_attn.q_proj.weight", nHead);
            add(out, b + "attn_k.weight", h + "self_attn.k_proj.weight", nHeadKv);
            add(out, b + "attn_v.weight", h + "self_attn.v_proj.weight", 0);
            add(out, b + "attn_output.weight", h + "self_attn.o_proj.weight", 0);
            add(out, b + "ffn_norm.weight", h + "post_attention_layernorm.weight", 0);
            add(out, b + "ffn_gate.weight", h + "mlp.gate_proj.weight", 0);
            add(out, b + "ffn_up.weight", h + "mlp.up_proj.weight", 0);
            add(out, b + "ffn_down.weight", h + "mlp.down_proj.weight", 0);
        }
        add(out, "output_norm.weight", "model.norm.weight", 0);
        if (gguf.tensor("output.weight") != null) {
            add(out, "output.weight", "lm_head.weight", 0);
        }
        return out;
    }

    private void add(List<SafetensorsWriter.Entry> out, String ggufName, String hfName, int permuteHeads) {
        GgufTensor t = gguf.tensor(ggufName);
        if (t == null) {
            throw new IllegalArgumentException(gguf.name() + ": no tensor " + ggufName);
        }
        String dtype = switch (t.type()) {
            case F32 -> "F32";
            case F16 -> "F16";
            case BF16 -> "BF16";
            default -> throw new IllegalArgumentException(gguf.name() + ": tensor " + ggufName + " is "
                    + t.type().displayName + "; export needs F32, F16 or BF16 weights (convert the F32/F16 file)");
        };
        long[] ne = t.ne();
        long[] shape = new long[ne.length];
        for (int i = 0; i < ne.length; i++) {
            shape[i] = ne[ne.length - 1 - i];
        }
        ByteSource data = gguf.data(t);
        long rowBytes = t.type().bytesFor(t.rowLength());
        long rows = t.rowCount();
        out.add(new SafetensorsWriter.Entry(hfName, dtype, shape,
                sink -> writeRows(data, rowBytes, rows, permuteHeads, sink)));
    }

    /** Copies rows; with heads, GGUF row (h, i, p) goes to HF row (h, p, i). */
    private static void writeRows(ByteSource data, long rowBytes, long rows, int heads, OutputStream out) throws IOException {
        if (heads == 0) {
            Llama2cConverter.copy(data, out);
            return;
        }
        long perHead = rows / heads;
        long half = perHead / 2;
        byte[] row = new byte[(int) rowBytes];
        for (long r = 0; r < rows; r++) {
            long h = r / perHead;
            long within = r % perHead;
            long p = within / half;
            long i = within % half;
            data.read((h * perHead + 2 * i + p) * rowBytes, row, 0, row.length);
            out.write(row);
        }
    }
}
