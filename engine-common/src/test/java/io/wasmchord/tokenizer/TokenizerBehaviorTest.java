package io.wasmchord.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.io.ByteArraySource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenizerBehaviorTest {
    static final List<String> LOSSLESS_VOCABS = List.of("llama-spm", "phi-3", "gpt-2", "deepseek-coder",
            "deepseek-llm", "falcon", "mpt", "refact", "starcoder");

    static String streamAll(Tokenizer tok, int[] ids) {
        StreamingDecoder d = tok.streamingDecoder(false);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(d.accept(id));
        }
        return sb.append(d.finish()).toString();
    }

    /** decode(encode(s)) == s for every test string, in every vocabulary that can spell any text. */
    @Test
    void roundTripOfEveryTestString() {
        for (String name : LOSSLESS_VOCABS) {
            Tokenizer tok = SharedModels.vocab(name);
            Vocabulary v = ((VocabTokenizer) tok).vocab;
            for (String s : SharedModels.readInputs(SharedModels.vocabDir().resolve("ggml-vocab-" + name + ".gguf.inp"))) {
                int[] ids = tok.encode(s, false, false);
                String pieces = v.addSpacePrefix && !s.isEmpty() ? " " + s : s;
                assertEquals(pieces, streamAll(tok, ids), name + ": pieces of " + VocabConformanceTest.show(s));
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                boolean cleanupChangesIt = v.cleanSpaces && Detokenizer.cleanSpaces(utf8.clone()) != utf8.length;
                if (!cleanupChangesIt) {
                    assertEquals(s, tok.decode(ids), name + ": decode of " + VocabConformanceTest.show(s));
                }
            }
        }
    }

    @Test
    void longTextsRoundTrip() {
        String text = SharedModels.read(SharedModels.root().resolve("ppl_text.txt")).repeat(20);
        for (String name : List.of("llama-spm", "gpt-2", "deepseek-llm")) {
            Tokenizer tok = SharedModels.vocab(name);
            int[] ids = tok.encode(text, false, false);
            assertTrue(ids.length > text.length() / 8, name);
            assertEquals(text, tok.decode(ids), name);
        }
    }

    @Test
    void streamingYieldsOnlyWholeCharacters() {
        Tokenizer tok = stories();
        int[] ids = tok.encode("é🦙 ok", false, false);
        // ▁ é <0xF0> <0x9F> <0xA6> <0x99> ▁o k: the emoji is four byte tokens
        assertEquals(List.of("▁", "é", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>", "▁o", "k"),
                Arrays.stream(ids).mapToObj(tok::tokenText).toList());
        StreamingDecoder d = tok.streamingDecoder(false);
        List<String> out = Arrays.stream(ids).mapToObj(d::accept).toList();
        assertEquals(List.of(" ", "é", "", "", "", "🦙", " o", "k"), out);
        assertEquals(0, d.pendingBytes());
        assertEquals("", d.finish());

        d.accept(ids[2]);
        d.accept(ids[3]);
        assertEquals(2, d.pendingBytes());
        assertEquals("\uFFFD o", d.accept(ids[6]), "a broken character shows as U+FFFD, then the text goes on");
        d.accept(ids[2]);
        assertEquals("\uFFFD", d.finish());
    }

    @Test
    void streamingByteLevelBpe() {
        Tokenizer tok = SharedModels.vocab("gpt-2");
        String text = " this is 🦙.cpp and 😶‍🌫️, нещо, 我想";
        int[] ids = tok.encode(text, false, false);
        StreamingDecoder d = tok.streamingDecoder(false);
        StringBuilder sb = new StringBuilder();
        int held = 0;
        for (int id : ids) {
            String part = d.accept(id);
            assertFalse(part.contains("\uFFFD"), "token " + id + " gave a broken character");
            held += part.isEmpty() ? 1 : 0;
            sb.append(part);
        }
        assertEquals(text, sb.toString());
        assertTrue(held > 0, "some emoji bytes must have been held back");
    }

    @Test
    void controlTokensAreParsedOnlyWhenAsked() {
        Tokenizer tok = SharedModels.vocab("llama-spm");
        assertArrayEquals(new int[] {1, 22172, 2}, tok.encode("<s>hello</s>", false, true));
        int[] plain = tok.encode("<s>hello</s>", false, false);
        assertFalse(IntStream.of(plain).anyMatch(id -> id == 1 || id == 2), Arrays.toString(plain));
        assertEquals("<s>hello</s>", tok.decode(plain));
        // as in llama.cpp, only the first token loses its leading space, even when it renders as nothing
        assertEquals(" hello", tok.decode(new int[] {1, 22172, 2}), "control tokens render as nothing by default");
        assertEquals("<s> hello</s>", tok.decode(new int[] {1, 22172, 2}, false, true));
        assertEquals("hello", tok.decode(new int[] {22172}));
    }

    @Test
    void userDefinedTokensAreAlwaysParsedAndStripFlagsApply() {
        Tokenizer phi = SharedModels.vocab("phi-3");
        // phi-3's chat markers are control tokens that llama.cpp (by model name) gives RSTRIP: the newline
        // after them goes
        assertArrayEquals(new int[] {32010, 6324, 32007}, phi.encode("<|user|>\nHi<|end|>\n", false, true));
        assertFalse(IntStream.of(phi.encode("<|user|>", false, false)).anyMatch(id -> id == 32010));

        Tokenizer coder = SharedModels.vocab("deepseek-coder");
        int user = 32019;
        assertEquals("<|User|>", coder.tokenText(user));
        int[] ids = coder.encode("x<|User|>y", false, false);
        assertEquals(List.of("x", "<|User|>", "y"), Arrays.stream(ids).mapToObj(coder::tokenText).toList());
    }

    @Test
    void bosAndEosFollowTheMetadata() {
        Tokenizer spm = SharedModels.vocab("llama-spm");
        assertTrue(spm.addsBos());
        assertFalse(spm.addsEos());
        assertArrayEquals(new int[] {1}, spm.encode("", true, false));
        assertArrayEquals(new int[0], spm.encode("", false, false));
        int[] hello = spm.encode("Hello");
        assertEquals(1, hello[0]);
        assertArrayEquals(Arrays.copyOfRange(hello, 1, hello.length), spm.encode("Hello", false, false));
        assertEquals("Hello", spm.decode(Arrays.copyOfRange(hello, 1, hello.length)));
        assertEquals(" Hello", spm.decode(hello, true, false), "llama.cpp keeps the space when it removes BOS");
        assertTrue(spm.isEndOfGeneration(2));

        Tokenizer stories = stories(); // no add_bos key: the SPM default adds BOS
        assertTrue(stories.addsBos());
        assertEquals(1, stories.encode("Once")[0]);

        Tokenizer gpt2 = SharedModels.vocab("gpt-2"); // BPE without add_bos_token: no BOS
        assertFalse(gpt2.addsBos());
        assertArrayEquals(new int[] {15496}, gpt2.encode("Hello"));
        assertTrue(gpt2.isEndOfGeneration(50256));

        Tokenizer coder = SharedModels.vocab("deepseek-coder"); // add_bos_token = true
        assertArrayEquals(new int[] {32013, 17535}, coder.encode("Hello"));

        Tokenizer bert = SharedModels.vocab("bert-bge"); // CLS ... SEP
        assertArrayEquals(new int[] {101, 7592, 1010, 2088, 999, 102}, bert.encode("Hello, World!"));
        assertEquals("hello, world!", bert.decode(bert.encode("Hello, World!"), true, false).trim());
    }

    @Test
    void cleanSpacesIsLlamaCppsCleanup() {
        byte[] text = "it 's ok , i 'm here . they 're , we 've , don 't , i 'd , you 'll ? a ' b"
                .getBytes(StandardCharsets.UTF_8);
        int n = Detokenizer.cleanSpaces(text);
        assertEquals("it's ok, i'm here. they're, we've, don 't, i 'd, you 'll? a'b",
                new String(text, 0, n, StandardCharsets.UTF_8));
    }

    @Test
    void badVocabulariesFailClearly() throws IOException {
        String[] tokens = {"<unk>", "<s>", "</s>", "a"};
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizers.fromGguf(vocab(
                new GgufWriter().put("tokenizer.ggml.model", GgufValue.of("t5"))
                        .put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens)))));
        assertTrue(e.getMessage().contains("\"t5\""), e.getMessage());

        e = assertThrows(TokenizerException.class, () -> Tokenizers.fromGguf(vocab(
                new GgufWriter().put("tokenizer.ggml.model", GgufValue.of("gpt2"))
                        .put("tokenizer.ggml.pre", GgufValue.of("mystery"))
                        .put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens))
                        .put("tokenizer.ggml.merges", GgufValue.ofStrings("a a")))));
        assertTrue(e.getMessage().contains("mystery"), e.getMessage());

        e = assertThrows(TokenizerException.class, () -> Tokenizers.fromGguf(vocab(
                new GgufWriter().put("tokenizer.ggml.model", GgufValue.of("llama")))));
        assertTrue(e.getMessage().contains("tokenizer.ggml.tokens"), e.getMessage());

        e = assertThrows(TokenizerException.class, () -> Tokenizers.fromGguf(vocab(
                new GgufWriter().put("tokenizer.ggml.model", GgufValue.of("llama"))
                        .put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens))
                        .put("tokenizer.ggml.scores", GgufValue.ofFloats(0f, 0f)))));
        assertTrue(e.getMessage().contains("2 entries for 4 tokens"), e.getMessage());

        e = assertThrows(TokenizerException.class, () -> Tokenizers.fromGguf(vocab(
                new GgufWriter().put("tokenizer.ggml.model", GgufValue.of("llama"))
                        .put("tokenizer.ggml.tokens", GgufValue.ofStrings("<unk>", "<s>", "</s>", "a", "a")))));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());

        // an SPM vocabulary without byte tokens cannot spell what it has no token for
        Tokenizer tiny = Tokenizers.fromGguf(vocab(new GgufWriter().put("tokenizer.ggml.model", GgufValue.of("llama"))
                .put("tokenizer.ggml.tokens", GgufValue.ofStrings("<unk>", "<s>", "</s>", "\u2581", "a"))));
        assertArrayEquals(new int[] {1, 3, 4}, tiny.encode("a"));
        e = assertThrows(TokenizerException.class, () -> tiny.encode("b"));
        assertTrue(e.getMessage().contains("0x62"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tiny.piece(5));
        assertThrows(IllegalArgumentException.class, () -> tiny.decode(new int[] {-1}));
    }

    static GgufFile vocab(GgufWriter writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out);
        return GgufFile.open(new ByteArraySource("test.gguf", out.toByteArray()));
    }

    static Tokenizer stories() {
        return SharedModels.tokenizer(SharedModels.root().resolve(Path.of("stories260K", "stories260K-F32.gguf")));
    }
}
