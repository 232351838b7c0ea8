package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.generate.KlDivergence;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** chord kld on stories260K, against llama-perplexity's numbers for the same files. */
class KldCommandTest {
    private static final Path SHARED = QuantizeCommandTest.shared();
    private static final Path STORIES = SHARED.resolve("stories260K");

    private static String text() throws Exception {
        return Files.readString(SHARED.resolve("ppl_text.txt"));
    }

    @Test
    void aModelAgainstItselfDivergesNowhere() throws Exception {
        Path f32 = STORIES.resolve("stories260K-F32.gguf");
        KlDivergence.Result r = KldCommand.measure(f32, f32, text(), 128, 2, false);
        // Not bit-exact: Vector API operations whose results the API specifies loosely (the order of a
        // lane sum, the exponential) may differ in the last bit between the Java fallback that runs
        // before C2 compiles a kernel and the compiled intrinsic, so the two passes' first chunks can
        // differ by a few ulps (a mean KL of 1.2e-8 was seen once).
        assertEquals(0.0, r.meanKld(), 1e-6);
        assertTrue(r.maxLogitDiff() < 1e-3, "max logit difference " + r.maxLogitDiff());
        assertEquals(1.0, r.sameTop());
        assertEquals(r.basePpl(), r.ppl(), r.basePpl() * 1e-6);
        assertEquals(2 * 63, r.scoredTokens());
    }

    @Test
    void f16AgainstF32MatchesLlamaPerplexity() throws Exception {
        KlDivergence.Result r = KldCommand.measure(STORIES.resolve("stories260K-F16.gguf"),
                STORIES.resolve("stories260K-F32.gguf"), text(), 128, -1, false);
        // llama-perplexity -c 128 on ppl_text.txt: F32 4.1150 (README tolerance 0.1%), F16 4.1146
        String summary = Files.readString(STORIES.resolve("ref/perplexity/summary.json"));
        double f32 = pplOf(summary, "stories260K-F32");
        double f16 = pplOf(summary, "stories260K-F16");
        assertEquals(f32, r.basePpl(), f32 * 1e-3);
        assertEquals(f16, r.ppl(), f16 * 1e-3);
        assertEquals(7, r.chunks().length);
        assertTrue(r.meanKld() > 0 && r.meanKld() < 1e-4, "mean KLD " + r.meanKld());
        assertTrue(r.sameTop() > 0.99, "top-1 agreement " + r.sameTop());
        assertTrue(r.maxLogitDiff() > 0 && r.maxLogitDiff() < 0.1, "max logit difference " + r.maxLogitDiff());
        assertTrue(KldCommand.summary(r).contains("Mean    KLD:"));
    }

    @Test
    void quantizedModelsDivergeMoreButKeepLlamasPerplexity() throws Exception {
        String summary = Files.readString(STORIES.resolve("ref/perplexity/summary.json"));
        KlDivergence.Result q8 = KldCommand.measure(STORIES.resolve("stories260K-Q8_0.gguf"),
                STORIES.resolve("stories260K-F32.gguf"), text(), 128, -1, false);
        KlDivergence.Result q4 = KldCommand.measure(STORIES.resolve("stories260K-Q4_0.gguf"),
                STORIES.resolve("stories260K-F32.gguf"), text(), 128, -1, false);
        // README tolerance for quantized perplexity: 1%
        assertEquals(pplOf(summary, "stories260K-Q8_0"), q8.ppl(), pplOf(summary, "stories260K-Q8_0") * 0.01);
        assertEquals(pplOf(summary, "stories260K-Q4_0"), q4.ppl(), pplOf(summary, "stories260K-Q4_0") * 0.01);
        assertTrue(q4.meanKld() > q8.meanKld() && q8.meanKld() > 0, q4.meanKld() + " vs " + q8.meanKld());
        assertTrue(q4.sameTop() < q8.sameTop(), q4.sameTop() + " vs " + q8.sameTop());
    }

    /** The "ppl" of one model in perplexity/summary.json (a flat scan: the file is llama.cpp's, not ours). */
    static double pplOf(String json, String model) {
        int at = json.indexOf("\"" + model + "\"");
        int p = json.indexOf("\"ppl\":", at);
        int end = p + 6;
        while (end < json.length() && ",}\n".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        return Double.parseDouble(json.substring(p + 6, end).trim());
    }
}
