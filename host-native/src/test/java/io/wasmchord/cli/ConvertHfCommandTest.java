package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteArraySource;
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
