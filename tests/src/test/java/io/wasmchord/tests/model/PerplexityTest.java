package io.wasmchord.tests.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.generate.Perplexity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Perplexity on ppl_text.txt with -c 128 against llama-perplexity's (perplexity/summary.json). */
class PerplexityTest {

    static Iterable<Reference.RefModel> models() {
        return Reference.all();
    }

    /** ppl_text.txt as tok512 tokenizes it, BOS first (the tokenizer's own reference). */
    static int[] pplTokens() {
        try {
            String s = Files.readString(Reference.root().resolve("stories260K/ref/tokenizer/stories260K-tok512.ppl_text.with-bos.ids"));
            return Json.ints(Json.parse(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void perplexityMatchesLlamaCpp(Reference.RefModel m) {
        Map<String, Object> all = Json.obj(Reference.json(m.ref("perplexity").resolve("summary.json")).get("results"));
        Map<String, Object> ref = Json.obj(all.get(m.name()));
        double expected = ((Number) ref.get("ppl")).doubleValue();
        int[] tokens = pplTokens();
        try (Reference.Loaded loaded = new Reference.Loaded(m)) {
            Perplexity.Result r = Perplexity.compute(loaded.model, Reference.kernels(), tokens, 128, 1, null);
            double rel = Math.abs(r.ppl() - expected) / expected;
            System.out.printf("%-24s ppl %.4f  llama.cpp %.4f  rel %.5f%n", m.name(), r.ppl(), expected, rel);
            assertEquals(Json.list(ref.get("chunk_running_ppl")).size(), r.runningPpl().length, "chunk count");
            // the reference is printed to 4 decimals; allow that rounding on top of the tolerance
            assertTrue(rel <= m.tolerance().perplexity() + 0.00005 / expected, m.name() + ": perplexity " + r.ppl()
                    + " vs llama.cpp " + expected + " (relative " + rel + ")");
        }
    }
}
