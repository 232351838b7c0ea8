package io.wasmchord.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The tok512 vocabulary of stories260K (and synthK-A) against llama.cpp: its tokenizations in
 * stories260K/ref/tokenizer, and the prompt ids, pieces and streamed text of every greedy generation
 * that llama-server recorded in ref/gen.
 *
 * <p>aidreams260K-tok512.llama-spm-inp.out is not checked: it belongs to another tok512 vocabulary whose
 * GGUF is not in ../shared/models.
 */
class Tok512ReferenceTest {
    static Path tokenizerRefs() {
        return SharedModels.root().resolve("stories260K/ref/tokenizer");
    }

    static Tokenizer stories() {
        return SharedModels.tokenizer(SharedModels.root().resolve("stories260K/stories260K-F32.gguf"));
    }

    @Test
    void llamaSpmTestStringsWithTok512() {
        Tokenizer tok = stories();
        List<String> inputs = SharedModels.readInputs(tokenizerRefs().resolve("stories260K-tok512.llama-spm-inp.inp"));
        List<int[]> expected = SharedModels.readOutputs(tokenizerRefs().resolve("stories260K-tok512.llama-spm-inp.out"));
        assertEquals(inputs.size(), expected.size());
        for (int i = 0; i < inputs.size(); i++) {
            assertArrayEquals(expected.get(i), tok.encode(inputs.get(i), false, false),
                    "string #" + i + " " + VocabConformanceTest.show(inputs.get(i)));
        }
    }

    @Test
    void pplTextWithBosTok512() {
        String text = SharedModels.read(SharedModels.root().resolve("ppl_text.txt"));
        int[] expected = Json.ints(Json.parse(SharedModels.read(tokenizerRefs().resolve("stories260K-tok512.ppl_text.with-bos.ids"))));
        assertEquals(976, expected.length);
        assertArrayEquals(expected, stories().encode(text, true, false));
    }

    @Test
    void pplTextWithBosLlamaSpm32000() {
        String text = SharedModels.read(SharedModels.root().resolve("ppl_text.txt"));
        int[] expected = Json.ints(Json.parse(SharedModels.read(tokenizerRefs().resolve("llama-spm-32000.ppl_text.with-bos.ids"))));
        assertArrayEquals(expected, SharedModels.vocab("llama-spm").encode(text, true, false));
    }

    static List<Path> generationReferences() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String model : List.of("stories260K", "synthK-A")) {
            try (Stream<Path> files = Files.list(SharedModels.root().resolve(model).resolve("ref/gen"))) {
                out.addAll(files.filter(p -> p.toString().endsWith(".json")).sorted().toList());
            }
        }
        return out;
    }

    /** Prompt ids and pieces, generated pieces, and the streamed text of every recorded generation. */
    @TestFactory
    Stream<DynamicTest> generations() throws IOException {
        List<Path> refs = generationReferences();
        assertTrue(refs.size() >= 30, "expected the stories260K and synthK-A generations, found " + refs.size());
        Tokenizer tok = stories();
        return refs.stream().map(ref -> DynamicTest.dynamicTest(ref.getFileName().toString(), () -> {
            Map<String, Object> doc = Json.object(Json.parse(SharedModels.read(ref)));
            for (Object o : Json.array(doc.get("results"))) {
                Map<String, Object> r = Json.object(o);
                String prompt = (String) r.get("prompt");
                List<Object> promptTokens = Json.array(r.get("prompt_tokens"));
                int[] promptIds = new int[promptTokens.size()];
                for (int i = 0; i < promptIds.length; i++) {
                    Map<String, Object> t = Json.object(promptTokens.get(i));
                    promptIds[i] = ((Number) t.get("id")).intValue();
                    assertEquals(t.get("piece"), tok.piece(promptIds[i]), "piece of prompt token " + promptIds[i]);
                }
                assertArrayEquals(promptIds, tok.encode(prompt), "prompt " + prompt);

                int[] generated = Json.ints(r.get("generated_tokens"));
                StreamingDecoder decoder = tok.streamingDecoder(false);
                StringBuilder streamed = new StringBuilder();
                for (int id : generated) {
                    streamed.append(decoder.accept(id));
                }
                streamed.append(decoder.finish());
                assertEquals(r.get("content"), streamed.toString(), ref.getFileName() + " " + prompt + " generated "
                        + Arrays.toString(generated));

                for (Object s : Json.array(r.get("steps"))) {
                    for (Object top : Json.array(Json.object(s).get("top10"))) {
                        List<Object> entry = Json.array(top);
                        int id = ((Number) entry.get(0)).intValue();
                        byte[] bytes = tok.pieceBytes(id, true);
                        if (isWholeUtf8(bytes)) {
                            assertEquals(entry.get(1), tok.piece(id), "piece of token " + id);
                        }
                    }
                }
            }
        }));
    }

    static boolean isWholeUtf8(byte[] bytes) {
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
