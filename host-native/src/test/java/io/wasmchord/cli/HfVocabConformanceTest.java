package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.convert.HfExporter;
import io.wasmchord.convert.SafetensorsWriter;
import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.json.Json;
import io.wasmchord.tokenizer.Tokenizer;
import io.wasmchord.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert-hf's vocabularies against llama.cpp's tokenizer test vectors: a Hugging Face directory is
 * built around the Llama 2 (SentencePiece) and GPT-2 (byte-level BPE) vocabularies of
 * ../shared/models/vocab, in each tokenizer file form convert-hf reads; the converted GGUF must
 * tokenize every .inp string to its .out ids.
 */
class HfVocabConformanceTest {
    @TempDir
    Path dir;

    private static final Path VOCAB = QuantizeCommandTest.shared().resolve("vocab");

    private static GgufFile open(Path p) throws Exception {
        return GgufFile.open(new ByteArraySource(p.toString(), Files.readAllBytes(p)));
    }

    /** A 1-layer Llama with width 8 and the given vocabulary size: config.json and model.safetensors. */
    private static void tinyModel(Path hf, int vocab, long bos, long eos) throws Exception {
        Files.createDirectories(hf);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("LlamaForCausalLM"));
        c.put("hidden_size", 8L);
        c.put("intermediate_size", 16L);
        c.put("num_attention_heads", 2L);
        c.put("num_key_value_heads", 2L);
        c.put("num_hidden_layers", 1L);
        c.put("max_position_embeddings", 64L);
        c.put("rms_norm_eps", 1e-5);
        c.put("vocab_size", (long) vocab);
        c.put("bos_token_id", bos);
        c.put("eos_token_id", eos);
        c.put("tie_word_embeddings", true);
        Files.writeString(hf.resolve("config.json"), Json.writePretty(c));
        List<SafetensorsWriter.Entry> t = new ArrayList<>();
        t.add(zeros("model.embed_tokens.weight", vocab, 8));
        t.add(zeros("model.norm.weight", 8));
        String p = "model.layers.0.";
        t.add(zeros(p + "input_layernorm.weight", 8));
        t.add(zeros(p + "post_attention_layernorm.weight", 8));
        for (String m : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
            t.add(zeros(p + "self_attn." + m + ".weight", 8, 8));
        }
        t.add(zeros(p + "mlp.gate_proj.weight", 16, 8));
        t.add(zeros(p + "mlp.up_proj.weight", 16, 8));
        t.add(zeros(p + "mlp.down_proj.weight", 8, 16));
        try (OutputStream out = Files.newOutputStream(hf.resolve("model.safetensors"))) {
            SafetensorsWriter.write(t, Map.of(), out);
        }
    }

    private static SafetensorsWriter.Entry zeros(String name, long... shape) {
        long n = 4;
        for (long d : shape) {
            n *= d;
        }
        long bytes = n;
        return new SafetensorsWriter.Entry(name, "F32", shape, out -> out.write(new byte[(int) bytes]));
    }

    private GgufFile convert(Path hf) throws Exception {
        Path out = dir.resolve(hf.getFileName() + ".gguf");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Chord.run(new String[] {"convert-hf", "--type", "f32", hf.toString(), out.toString()}), err.toString());
        } finally {
            System.setErr(old);
        }
        return open(out);
    }

    private static void assertTokenizesLikeLlamaCpp(GgufFile converted, String vocab) throws Exception {
        Tokenizer tok = Tokenizers.fromGguf(converted);
        String raw = Files.readString(VOCAB.resolve("ggml-vocab-" + vocab + ".gguf.inp"));
        List<String> inputs = Arrays.asList(raw.split("\n__ggml_vocab_test__\n", -1));
        List<String> lines = new ArrayList<>(Arrays.asList(
                Files.readString(VOCAB.resolve("ggml-vocab-" + vocab + ".gguf.out")).split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        List<String> failures = new ArrayList<>();
        int n = Math.min(inputs.size(), lines.size());
        assertTrue(n > 20, "test vectors");
        for (int i = 0; i < n; i++) {
            String line = lines.get(i).trim();
            int[] want = line.isEmpty() ? new int[0] : Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            int[] got = tok.encode(inputs.get(i), false, false);
            if (!Arrays.equals(want, got)) {
                failures.add("#" + i + " " + inputs.get(i) + ": " + Arrays.toString(got) + " != " + Arrays.toString(want));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + n + " strings differ:\n" + String.join("\n", failures));
    }

    @Test
    void llamaSentencePieceFromTokenizerJson() throws Exception {
        GgufFile vocab = open(VOCAB.resolve("ggml-vocab-llama-spm.gguf"));
        Path hf = dir.resolve("spm-json");
        tinyModel(hf, 32000, 1, 2);
        HfExporter ex = new HfExporter(vocab);
        Files.writeString(hf.resolve("tokenizer.json"), ex.tokenizerJson());
        Files.writeString(hf.resolve("tokenizer_config.json"), ex.tokenizerConfigJson());
        GgufFile converted = convert(hf);
        assertArrayEquals(vocab.require("tokenizer.ggml.tokens").asStringArray(),
                converted.require("tokenizer.ggml.tokens").asStringArray());
        assertEquals("llama", converted.getString("tokenizer.ggml.model", null));
        assertTokenizesLikeLlamaCpp(converted, "llama-spm");
    }

    @Test
    void llamaSentencePieceFromTokenizerModel() throws Exception {
        GgufFile vocab = open(VOCAB.resolve("ggml-vocab-llama-spm.gguf"));
        Path hf = dir.resolve("spm-model");
        tinyModel(hf, 32000, 1, 2);
        Files.write(hf.resolve("tokenizer.model"), sentencePieceModel(vocab));
        Files.writeString(hf.resolve("tokenizer_config.json"), new HfExporter(vocab).tokenizerConfigJson());
        GgufFile converted = convert(hf);
        for (String k : new String[] {"tokenizer.ggml.tokens"}) {
            assertArrayEquals(vocab.require(k).asStringArray(), converted.require(k).asStringArray(), k);
        }
        float[] scores = vocab.require("tokenizer.ggml.scores").asFloatArray();
        scores[0] = scores[1] = scores[2] = -1000.0f; // tokens of added_tokens_decoder score -1000 in llama.cpp's converter
        assertArrayEquals(scores, converted.require("tokenizer.ggml.scores").asFloatArray());
        int[] types = vocab.require("tokenizer.ggml.token_type").asIntArray();
        types[1] = 3; // added_tokens_decoder marks <s> and </s> special: control, as they were
        types[2] = 3;
        types[0] = 3; // and <unk>: llama.cpp's converter makes special added tokens control tokens
        assertArrayEquals(types, converted.require("tokenizer.ggml.token_type").asIntArray());
        assertEquals(1, converted.getInt("tokenizer.ggml.bos_token_id", -1));
        assertTrue(converted.getBool("tokenizer.ggml.add_bos_token", false));
        assertTokenizesLikeLlamaCpp(converted, "llama-spm");
    }

    @Test
    void gpt2ByteLevelBpeFromTokenizerJson() throws Exception {
        GgufFile vocab = open(VOCAB.resolve("ggml-vocab-gpt-2.gguf"));
        String[] tokens = vocab.require("tokenizer.ggml.tokens").asStringArray();
        int[] types = vocab.require("tokenizer.ggml.token_type").asIntArray();
        Path hf = dir.resolve("gpt2");
        tinyModel(hf, tokens.length, 50256, 50256);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        Map<String, Object> v = new LinkedHashMap<>();
        List<Object> added = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] == 3) {
                added.add(Map.of("id", (long) i, "content", tokens[i], "special", true, "normalized", false,
                        "lstrip", false, "rstrip", false, "single_word", false));
            }
            v.put(tokens[i], (long) i);
        }
        model.put("vocab", v);
        model.put("merges", List.of((Object[]) vocab.require("tokenizer.ggml.merges").asStringArray()));
        Map<String, Object> tj = new LinkedHashMap<>();
        tj.put("version", "1.0");
        tj.put("added_tokens", added);
        tj.put("normalizer", null);
        tj.put("pre_tokenizer", Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true));
        tj.put("decoder", Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        tj.put("model", model);
        Files.writeString(hf.resolve("tokenizer.json"), Json.write(tj));
        Files.writeString(hf.resolve("tokenizer_config.json"), Json.write(Map.of("bos_token", "<|endoftext|>",
                "eos_token", "<|endoftext|>", "unk_token", "<|endoftext|>", "add_prefix_space", false)));
        GgufFile converted = convert(hf);
        assertEquals("gpt2", converted.getString("tokenizer.ggml.model", null));
        assertEquals("gpt-2", converted.getString("tokenizer.ggml.pre", null));
        assertArrayEquals(tokens, converted.require("tokenizer.ggml.tokens").asStringArray());
        assertArrayEquals(types, converted.require("tokenizer.ggml.token_type").asIntArray());
        assertArrayEquals(vocab.require("tokenizer.ggml.merges").asStringArray(),
                converted.require("tokenizer.ggml.merges").asStringArray());
        assertEquals(50256, converted.getInt("tokenizer.ggml.bos_token_id", -1));
        assertEquals(50256, converted.getInt("tokenizer.ggml.eos_token_id", -1));
        assertTokenizesLikeLlamaCpp(converted, "gpt-2");
    }

    /** A SentencePiece ModelProto holding just the pieces (field 1: piece 1, score 2, type 3). */
    static byte[] sentencePieceModel(GgufFile vocab) {
        String[] tokens = vocab.require("tokenizer.ggml.tokens").asStringArray();
        float[] scores = vocab.require("tokenizer.ggml.scores").asFloatArray();
        int[] types = vocab.require("tokenizer.ggml.token_type").asIntArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < tokens.length; i++) {
            ByteArrayOutputStream piece = new ByteArrayOutputStream();
            byte[] text = tokens[i].getBytes(StandardCharsets.UTF_8);
            piece.write(0x0A);
            varint(piece, text.length);
            piece.writeBytes(text);
            piece.write(0x15);
            int bits = Float.floatToRawIntBits(scores[i]);
            for (int k = 0; k < 4; k++) {
                piece.write(bits >>> (8 * k));
            }
            piece.write(0x18);
            varint(piece, types[i]);
            out.write(0x0A);
            varint(out, piece.size());
            out.writeBytes(piece.toByteArray());
        }
        out.writeBytes(new byte[] {0x12, 0x02, 0x08, 0x01}); // a trainer_spec to be skipped
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while (v >= 0x80) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
