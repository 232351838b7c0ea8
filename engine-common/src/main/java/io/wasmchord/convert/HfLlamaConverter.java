package io.wasmchord.convert;

import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.quantize.FileType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face Llama-family checkpoint to GGUF, as llama.cpp's convert_hf_to_gguf.py does it:
 * tensor names mapped to llama.cpp's, q_proj/k_proj rows permuted from HF's rotate-half layout back
 * to llama.cpp's adjacent pairs, 1-D tensors and norms in F32, the rest in the output type (Q8_0
 * falling back to F16 for rows that are not whole blocks), and the metadata it writes.
 */
public final class HfLlamaConverter {
    /** The output types convert_hf_to_gguf.py offers. */
    public static final List<FileType> OUTPUT_TYPES = List.of(FileType.ALL_F32, FileType.MOSTLY_F16,
            FileType.MOSTLY_BF16, FileType.MOSTLY_Q8_0);

    private HfLlamaConverter() {
    }

    /** One output tensor: its GGUF name, shape (ggml order), type and how to read its rows. */
    public record Planned(String name, long[] ne, GgmlType type, HfTensorRows rows) {
    }

    /** "auto" of convert_hf_to_gguf.py: BF16 if the first weight is bf16, else F16. */
    public static FileType autoType(HfModelFiles files) {
        for (Safetensors s : files.weights()) {
            for (Safetensors.Tensor t : s.tensors().values()) {
                return t.dtype().equals("BF16") ? FileType.MOSTLY_BF16 : FileType.MOSTLY_F16;
            }
        }
        return FileType.MOSTLY_F16;
    }

    public static List<Planned> plan(HfModelFiles files, FileType type) {
        if (!OUTPUT_TYPES.contains(type)) {
            throw new IllegalArgumentException("convert-hf writes F32, F16, BF16 or Q8_0, not " + type.displayName);
        }
        HfLlamaConfig c = HfLlamaConfig.of(files.config());
        List<Planned> out = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Safetensors shard : files.weights()) {
            List<String> names = shard.names();
            java.util.Collections.sort(names);
            for (String hfName : names) {
                Safetensors.Tensor t = shard.tensors().get(hfName);
                String name = ggufName(hfName, c.nLayer());
                if (name == null) {
                    continue;
                }
                String prev = seen.put(name, hfName);
                if (prev != null) {
                    throw new IllegalArgumentException("tensors " + prev + " and " + hfName + " both map to " + name);
                }
                int permuteHeads = 0;
                if (c.permuteQk() && (hfName.endsWith("q_proj.weight") || hfName.endsWith("q_proj.bias"))) {
                    permuteHeads = c.nHead();
                } else if (c.permuteQk() && (hfName.endsWith("k_proj.weight") || hfName.endsWith("k_proj.bias"))) {
                    permuteHeads = c.nHeadKv();
                }
                HfTensorRows rows = new HfTensorRows(t, permuteHeads);
                long[] ne = rows.ggmlShape();
                out.add(new Planned(name, ne, outputType(name, ne, type), rows));
            }
        }
        if (!seen.containsKey("token_embd.weight")) {
            throw new IllegalArgumentException(files.name() + ": no model.embed_tokens.weight in the safetensors files");
        }
        float[] ropeFactors = Llama3Rope.factors(files.config(), c);
        if (ropeFactors != null) {
            out.add(new Planned("rope_freqs.weight", new long[] {ropeFactors.length}, GgmlType.F32,
                    HfTensorRows.of("rope_freqs.weight", ropeFactors)));
        }
        return out;
    }

    private static GgmlType outputType(String name, long[] ne, FileType type) {
        if (ne.length <= 1 || name.endsWith("_norm.weight")) {
            return GgmlType.F32;
        }
        GgmlType t = type.defaultType;
        return ne[0] % t.blockSize == 0 ? t : GgmlType.F16;
    }

    /** llama.cpp's name for a HF Llama tensor; null for tensors it drops; an error for unknown ones. */
    static String ggufName(String hf, int nLayer) {
        switch (hf) {
            case "model.embed_tokens.weight" -> {
                return "token_embd.weight";
            }
            case "model.norm.weight" -> {
                return "output_norm.weight";
            }
            case "lm_head.weight" -> {
                return "output.weight";
            }
            default -> {
            }
        }
        if (hf.startsWith("model.layers.")) {
            int dot = hf.indexOf('.', "model.layers.".length());
            if (dot > 0) {
                String n = hf.substring("model.layers.".length(), dot);
                int layer;
                try {
                    layer = Integer.parseInt(n);
                } catch (NumberFormatException e) {
                    layer = -1;
                }
                if (layer < 0 || layer >= nLayer) {
                    throw new IllegalArgumentException("tensor " + hf + " is in layer " + n + ", but the model has "
                            + nLayer + " layers");
                }
                String rest = hf.substring(dot + 1);
                String p = "blk." + layer + ".";
                String mapped = switch (rest) {
                    case "input_layernorm.weight" -> "attn_norm.weight";
                    case "self_attn.q_proj.weight" -> "attn_q.weight";
                    case "self_attn.k_proj.weight" -> "attn_k.weight";
                    case "self_attn.v_proj.weight" -> "attn_v.weight";
                    case "self_attn.o_proj.weight" -> "attn_output.weight";
                    case "self_attn.q_proj.bias" -> "attn_q.bias";
                    case "self_attn.k_proj.bias" -> "attn_k.bias";
                    case "self_attn.v_proj.bias" -> "attn_v.bias";
                    case "self_attn.o_proj.bias" -> "attn_output.bias";
                    case "post_attention_layernorm.weight" -> "ffn_norm.weight";
                    case "mlp.gate_proj.weight" -> "ffn_gate.weight";
                    case "mlp.up_proj.weight" -> "ffn_up.weight";
                    case "mlp.down_proj.weight" -> "ffn_down.weight";
                    case "self_attn.q_norm.weight" -> "attn_q_norm.weight";
                    case "self_attn.k_norm.weight" -> "attn_k_norm.weight";
                    case "self_attn.rotary_emb.inv_freq" -> "";
                    default -> null;
                };
                if (mapped != null) {
                    return mapped.isEmpty() ? null : p + mapped;
                }
            }
        }
        throw new IllegalArgumentException("cannot map tensor " + hf + " to a llama.cpp name");
    }

    /** The metadata keys convert_hf_to_gguf.py writes for the architecture, then the tokenizer's. */
    public static Map<String, GgufValue> metadata(HfModelFiles files, FileType type, String pre) {
        HfLlamaConfig c = HfLlamaConfig.of(files.config());
        String a = c.arch() + ".";
        boolean llama = c.arch().equals("llama");
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.of(c.arch()));
        m.put("general.type", GgufValue.of("model"));
        m.put("general.name", GgufValue.of(files.name()));
        m.put(a + "block_count", GgufValue.ofUint32(c.nLayer()));
        if (c.contextLength() > 0) {
            m.put(a + "context_length", GgufValue.ofUint32(c.contextLength()));
        }
        m.put(a + "embedding_length", GgufValue.ofUint32(c.nEmbd()));
        m.put(a + "feed_forward_length", GgufValue.ofUint32(c.nFf()));
        m.put(a + "attention.head_count", GgufValue.ofUint32(c.nHead()));
        m.put(a + "attention.head_count_kv", GgufValue.ofUint32(c.nHeadKv()));
        if (c.hasRopeTheta()) {
            m.put(a + "rope.freq_base", GgufValue.ofFloat32((float) c.ropeTheta()));
        }
        m.put(a + "attention.layer_norm_rms_epsilon", GgufValue.ofFloat32((float) c.rmsEps()));
        if (files.config().has("head_dim")) {
            m.put(a + "attention.key_length", GgufValue.ofUint32(c.headDim()));
            m.put(a + "attention.value_length", GgufValue.ofUint32(c.headDim()));
        }
        m.put("general.file_type", GgufValue.ofUint32(type.id));
        if (llama && c.vocabSize() > 0) {
            m.put(a + "vocab_size", GgufValue.ofUint32(c.vocabSize()));
        }
        if (llama) {
            m.put(a + "rope.dimension_count", GgufValue.ofUint32(c.headDim()));
        }
        if ("linear".equals(c.ropeScalingType()) && c.ropeScalingFactor() > 0) {
            m.put(a + "rope.scaling.type", GgufValue.of("linear"));
            m.put(a + "rope.scaling.factor", GgufValue.ofFloat32((float) c.ropeScalingFactor()));
        } else if (c.ropeScalingType() != null && !"default".equals(c.ropeScalingType())
                && !(llama && "llama3".equals(c.ropeScalingType()))) {
            throw new IllegalArgumentException(files.config().where() + ": rope_scaling type " + c.ropeScalingType()
                    + " is not supported yet");
        }
        m.put("general.quantization_version", GgufValue.ofUint32(2));
        m.putAll(HfVocab.metadata(files, c.vocabSize(), pre));
        return m;
    }

    /** A writer for the whole file; tensors stream from the safetensors sources row chunk by row chunk. */
    public static GgufWriter writer(HfModelFiles files, FileType type, String pre) {
        GgufWriter w = new GgufWriter();
        w.putAll(metadata(files, type, pre));
        for (Planned p : plan(files, type)) {
            w.addTensor(p.name(), p.type(), p.ne(), out -> p.rows().writeAs(p.type(), out));
        }
        return w;
    }
}
