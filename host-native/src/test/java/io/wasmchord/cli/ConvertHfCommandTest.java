package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.convert.Safetensors;
import io.wasmchord.convert.SafetensorsWriter;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.json.Json;
import io.wasmchord.quant.GgmlType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.Models;
import io.wasmchord.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert-hf on directories written by export-hf from the shared models: the round trip must give
 * back every tensor bit for bit (q/k permutation undone and redone), the same vocabulary, and F16
 * output equal to llama.cpp's own F16 files.
 */
class ConvertHfCommandTest {
    @TempDir
    Path dir;

    private static final Path SHARED = QuantizeCommandTest.shared();

    private record Result(int code, String err) {
    }

    private static Result run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Result(Chord.run(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    private static GgufFile open(Path p) throws Exception {
        return GgufFile.open(new ByteArraySource(p.toString(), Files.readAllBytes(p)));
    }

    private static byte[] bytes(GgufFile f, GgufTensor t) {
        byte[] b = new byte[(int) t.byteSize()];
        f.data(t).read(0, b, 0, b.length);
        return b;
    }

    private Path roundTrip(Path gguf, String type, String... exportOptions) {
        Path hf = dir.resolve("hf");
        String[] export = new String[3 + exportOptions.length];
        export[0] = "export-hf";
        System.arraycopy(exportOptions, 0, export, 1, exportOptions.length);
        export[1 + exportOptions.length] = gguf.toString();
        export[2 + exportOptions.length] = hf.toString();
        Result r = run(export);
        assertEquals(0, r.code(), r.err());
        Path out = dir.resolve("rt-" + type + ".gguf");
        r = run("convert-hf", "--type", type, hf.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        return out;
    }

    private static void assertSameTensors(GgufFile want, GgufFile got) {
        assertEquals(want.tensors().size(), got.tensors().size());
        for (GgufTensor t : want.tensors()) {
            GgufTensor o = got.tensor(t.name());
            assertNotNull(o, t.name());
            assertEquals(t.type(), o.type(), t.name());
            assertArrayEquals(t.ne(), o.ne(), t.name());
            assertArrayEquals(bytes(want, t), bytes(got, o), t.name());
        }
    }

    @Test
    void shardedStoriesRoundTripsExactly() throws Exception {
        Path src = SHARED.resolve("stories260K/stories260K-F32.gguf");
        Path out = roundTrip(src, "f32", "--shard-size", "300000");
        assertTrue(Files.exists(dir.resolve("hf/model.safetensors.index.json")));
        GgufFile ref = open(src);
        GgufFile got = open(out);
        assertSameTensors(ref, got);
        assertArrayEquals(ref.require("tokenizer.ggml.tokens").asStringArray(), got.require("tokenizer.ggml.tokens").asStringArray());
        int[] wantTypes = ref.require("tokenizer.ggml.token_type").asIntArray();
        int[] gotTypes = got.require("tokenizer.ggml.token_type").asIntArray();
        wantTypes[0] = 3; // llama.cpp's HF vocab marks <unk> as a control token, like every special token
        assertArrayEquals(wantTypes, gotTypes);
        for (String k : new String[] {"llama.embedding_length", "llama.feed_forward_length", "llama.block_count",
            "llama.attention.head_count", "llama.attention.head_count_kv", "llama.rope.dimension_count",
            "llama.context_length", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"}) {
            assertEquals(ref.require(k).asLong(), got.require(k).asLong(), k);
        }
        assertEquals("llama", got.getString("tokenizer.ggml.model", null));
        assertEquals(0, got.getInt("general.file_type", -1));
        assertTrue(got.getBool("tokenizer.ggml.add_bos_token", false));
    }

    @Test
    void roundTripGivesTheSameLogitsAndTokens() throws Exception {
        Path src = SHARED.resolve("stories260K/stories260K-F32.gguf");
        Path out = roundTrip(src, "f32");
        GgufFile ref = open(src);
        GgufFile got = open(out);
        String text = Files.readString(SHARED.resolve("ppl_text.txt"));
        int[] ids = Tokenizers.fromGguf(ref).encode(text, true, false);
        assertArrayEquals(ids, Tokenizers.fromGguf(got).encode(text, true, false), "tokenization of ppl_text.txt");
        int[] prompt = java.util.Arrays.copyOf(ids, 24);
        assertArrayEquals(logits(ref, prompt), logits(got, prompt));
    }

    private static float[] logits(GgufFile gguf, int[] prompt) {
        LanguageModel m = Models.load(gguf);
        float[] out = new float[m.config().vocabSize()];
        m.forward(m.newState(64, new ScalarKernels()), prompt, 0, prompt.length, 1, out);
        return out;
    }

    @Test
    void untiedGqaModelInF16MatchesLlamaCppsF16File() throws Exception {
        Path out = roundTrip(SHARED.resolve("synthK-A/gguf/synthK-A-F32.gguf"), "f16");
        assertTrue(Files.exists(dir.resolve("hf/model.safetensors")));
        assertSameTensors(open(SHARED.resolve("synthK-A/gguf/synthK-A-F16.gguf")), open(out));
    }

    @Test
    void bf16AndQ8_0MatchLlamaCpp() throws Exception {
        Path bf16 = roundTrip(SHARED.resolve("stories260K/stories260K-F32.gguf"), "bf16");
        assertSameTensors(open(SHARED.resolve("stories260K/stories260K-BF16.gguf")), open(bf16));
        Path q8 = roundTrip(SHARED.resolve("synthK-A/gguf/synthK-A-F32.gguf"), "q8_0", "--force");
        assertSameTensors(open(SHARED.resolve("synthK-A/gguf/synthK-A-Q8_0.gguf")), open(q8));
    }

    @Test
    void mixtureTypesQuantizeTheF32Conversion() throws Exception {
        Path q = roundTrip(SHARED.resolve("synthK-A/gguf/synthK-A-F32.gguf"), "Q4_K_M");
        GgufFile want = open(SHARED.resolve("synthK-A/gguf/synthK-A-Q4_K_M.gguf"));
        GgufFile got = open(q);
        assertEquals(15, got.getInt("general.file_type", -1));
        for (GgufTensor t : want.tensors()) {
            GgufTensor o = got.tensor(t.name());
            assertEquals(t.type(), o.type(), t.name());
            assertArrayEquals(bytes(want, t), bytes(got, o), t.name());
        }
        assertFalse(Files.list(dir).anyMatch(p -> p.toString().endsWith(".tmp")), "the F32 intermediate is removed");
    }

    /** Exports synthK-A, then rewrites config.json with {@code edits} and adds {@code extra} tensors in a second shard. */
    private Path editedExport(Map<String, Object> edits, List<SafetensorsWriter.Entry> extra) throws Exception {
        Path hf = dir.resolve("hf");
        assertEquals(0, run("export-hf", SHARED.resolve("synthK-A/gguf/synthK-A-F32.gguf").toString(), hf.toString()).code());
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) Json.parse(Files.readString(hf.resolve("config.json")));
        config.putAll(edits);
        Files.writeString(hf.resolve("config.json"), Json.writePretty(config));
        if (!extra.isEmpty()) {
            Files.move(hf.resolve("model.safetensors"), hf.resolve("model-00001-of-00002.safetensors"));
            try (java.io.OutputStream out = Files.newOutputStream(hf.resolve("model-00002-of-00002.safetensors"))) {
                SafetensorsWriter.write(extra, Map.of(), out);
            }
            Map<String, Object> weightMap = new LinkedHashMap<>();
            Safetensors first = Safetensors.read(new ByteArraySource(Files.readAllBytes(hf.resolve("model-00001-of-00002.safetensors"))));
            for (String n : first.names()) {
                weightMap.put(n, "model-00001-of-00002.safetensors");
            }
            for (SafetensorsWriter.Entry e : extra) {
                weightMap.put(e.name(), "model-00002-of-00002.safetensors");
            }
            Files.writeString(hf.resolve("model.safetensors.index.json"), Json.write(Map.of("weight_map", weightMap)));
        }
        return hf;
    }

    private static SafetensorsWriter.Entry ones(String name, int n) {
        byte[] b = new byte[4 * n];
        for (int i = 0; i < n; i++) {
            io.wasmchord.io.LittleEndian.putFloat(b, 4 * i, 1f + i * 1e-3f);
        }
        return new SafetensorsWriter.Entry(name, "F32", new long[] {n}, out -> out.write(b));
    }

    private GgufFile convertDir(Path hf) throws Exception {
        Path out = dir.resolve("converted.gguf");
        Result r = run("convert-hf", "--type", "f32", hf.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        return open(out);
    }

    private static void runs(GgufFile gguf) {
        float[] logits = logits(gguf, new int[] {1, 100, 200, 300});
        for (float v : logits) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void qwen2KeepsHfRowOrderAndItsBiases() throws Exception {
        List<SafetensorsWriter.Entry> biases = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            biases.add(ones("model.layers." + l + ".self_attn.q_proj.bias", 256));
            biases.add(ones("model.layers." + l + ".self_attn.k_proj.bias", 128));
            biases.add(ones("model.layers." + l + ".self_attn.v_proj.bias", 128));
        }
        Path hf = editedExport(Map.of("architectures", List.of("Qwen2ForCausalLM"), "model_type", "qwen2"), biases);
        GgufFile q = convertDir(hf);
        assertEquals("qwen2", q.getString("general.architecture", null));
        assertEquals(256, q.getInt("qwen2.embedding_length", 0));
        assertEquals(128, q.tensor("blk.1.attn_k.bias").ne()[0]);
        // no permutation: GGUF rows are HF's rows
        Safetensors first = Safetensors.read(new ByteArraySource(Files.readAllBytes(hf.resolve("model-00001-of-00002.safetensors"))));
        Safetensors.Tensor hfQ = first.tensors().get("model.layers.0.self_attn.q_proj.weight");
        byte[] hfBytes = new byte[(int) hfQ.data().size()];
        hfQ.data().read(0, hfBytes, 0, hfBytes.length);
        assertArrayEquals(hfBytes, bytes(q, q.tensor("blk.0.attn_q.weight")));
        runs(q);
    }

    @Test
    void qwen3GetsItsPerHeadNorms() throws Exception {
        List<SafetensorsWriter.Entry> norms = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            norms.add(ones("model.layers." + l + ".self_attn.q_norm.weight", 64));
            norms.add(ones("model.layers." + l + ".self_attn.k_norm.weight", 64));
        }
        GgufFile q = convertDir(editedExport(Map.of("architectures", List.of("Qwen3ForCausalLM"), "head_dim", 64L), norms));
        assertEquals("qwen3", q.getString("general.architecture", null));
        assertEquals(64, q.getInt("qwen3.attention.key_length", 0));
        assertEquals(GgmlType.F32, q.tensor("blk.0.attn_q_norm.weight").type());
        runs(q);
    }

    @Test
    void llama3RopeScalingBecomesRopeFreqs() throws Exception {
        Map<String, Object> scaling = new LinkedHashMap<>();
        scaling.put("rope_type", "llama3");
        scaling.put("factor", 8.0);
        scaling.put("low_freq_factor", 1.0);
        scaling.put("high_freq_factor", 4.0);
        scaling.put("original_max_position_embeddings", 8192L);
        GgufFile g = convertDir(editedExport(Map.of("rope_scaling", scaling), List.of()));
        GgufTensor t = g.tensor("rope_freqs.weight");
        assertEquals(32, t.ne()[0]);
        byte[] b = bytes(g, t);
        float previous = 0;
        for (int i = 0; i < 32; i++) {
            float f = io.wasmchord.io.LittleEndian.getFloat(b, 4 * i);
            assertTrue(f >= previous && f >= 1 && f <= 8, "factor " + i + " = " + f);
            previous = f;
        }
        assertEquals(1f, io.wasmchord.io.LittleEndian.getFloat(b, 0));
        assertEquals(8f, io.wasmchord.io.LittleEndian.getFloat(b, 4 * 31));
        runs(g);
    }

    @Test
    void missingConfigAndUnknownTensorsAreClearErrors() throws Exception {
        Path hf = dir.resolve("hf");
        assertEquals(0, run("export-hf", SHARED.resolve("stories260K/stories260K-F32.gguf").toString(), hf.toString()).code());
        Files.delete(hf.resolve("config.json"));
        Result r = run("convert-hf", hf.toString(), dir.resolve("x.gguf").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("config.json"), r.err());
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }
}
