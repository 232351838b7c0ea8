package io.wasmchord.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.generate.Generation;
import io.wasmchord.generate.GenerationOptions;
import io.wasmchord.generate.LoadedModel;
import io.wasmchord.generate.Session;
import io.wasmchord.generate.StopReason;
import io.wasmchord.host.MappedFile;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.model.ModelException;
import io.wasmchord.sample.SamplingParams;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The session and generator on stories260K-F32: prefix reuse, stops, cancel, context limits, sampling. */
class SessionTest {
    private static LoadedModel loaded;
    private static final GenerationOptions GREEDY = GenerationOptions.defaults().withSampling(SamplingParams.greedy());

    @BeforeAll
    static void load() throws Exception {
        loaded = LoadedModel.load(MappedFile.open(Reference.named("stories260K-F32").gguf()));
    }

    @AfterAll
    static void close() {
        loaded.close();
    }

    private static Session session(int context) {
        return loaded.newSession(context, new ScalarKernels());
    }

    @Test
    void aPromptExtendingTheLastTurnReusesTheCacheAndGivesTheSameTokens() {
        Session chat = session(128);
        Generation first = chat.generate("Once upon a time", GREEDY.withMaxTokens(10));
        String reply = first.collect(null);
        String next = "Once upon a time" + reply + " The dog";
        Generation second = chat.generate(next, GREEDY.withMaxTokens(12));
        String continued = second.collect(null);

        Generation fresh = session(128).generate(next, GREEDY.withMaxTokens(12));
        assertEquals(fresh.collect(null), continued);
        assertArrayEquals(fresh.generatedTokens(), second.generatedTokens());
        assertEquals(0, fresh.usage().reusedTokens());
        // the shared prefix of the second prompt was not recomputed: BOS, the prompt and most of the reply
        assertTrue(second.usage().reusedTokens() >= 10, "reused " + second.usage().reusedTokens());
    }

    @Test
    void stopStringsEndTheTextBeforeThem() {
        Generation full = session(128).generate("Once upon a time", GREEDY.withMaxTokens(40));
        String text = full.collect(null);
        int at = text.indexOf("Lily");
        assertTrue(at > 0, text);
        Generation stopped = session(128).generate("Once upon a time", GREEDY.withMaxTokens(40).withStopStrings(List.of("Lily")));
        assertEquals(text.substring(0, at), stopped.collect(null));
        assertEquals(StopReason.STOP_STRING, stopped.stopReason());
    }

    @Test
    void cancelStopsBeforeTheNextToken() {
        Generation g = session(128).generate("Once upon a time", GREEDY.withMaxTokens(40));
        assertTrue(g.hasNext());
        g.next();
        g.cancel();
        StringBuilder rest = new StringBuilder();
        g.forEachRemaining(rest::append);
        assertEquals(StopReason.CANCELLED, g.stopReason());
        assertEquals(1, g.generatedTokens().length);
    }

    @Test
    void generationStopsWhenTheContextIsFull() {
        Generation g = session(16).generate("Once upon a time", GREEDY.withIgnoreEos(true));
        g.collect(null);
        assertEquals(StopReason.CONTEXT_FULL, g.stopReason());
        assertEquals(16 - 5 + 1, g.generatedTokens().length); // the last token needs no cache slot
    }

    @Test
    void aPromptThatDoesNotFitIsAnErrorOrIsTruncated() {
        String longPrompt = "Once upon a time there was a little girl named Lily who loved to play outside in the sun";
        ModelException e = assertThrows(ModelException.class, () -> session(8).generate(longPrompt, GREEDY));
        assertTrue(e.getMessage().contains("context"), e.getMessage());

        Generation g = session(8).generate(longPrompt, GREEDY.withMaxTokens(1).withTruncatePrompt(true));
        g.collect(null);
        assertEquals(7, g.promptTokens().length);
        assertEquals(loaded.tokenizer().bos(), g.promptTokens()[0]);
        assertFalse(g.warnings().isEmpty());
    }

    @Test
    void sampledGenerationIsReproducibleForASeedAndVariesAcrossSeeds() {
        GenerationOptions hot = GenerationOptions.defaults().withMaxTokens(30)
                .withSampling(SamplingParams.defaults().withTemperature(1.5f).withTopK(0).withTopP(1f).withMinP(0f));
        String a = session(128).generate("Once upon a time", hot.withSampling(hot.sampling().withSeed(7))).collect(null);
        String b = session(128).generate("Once upon a time", hot.withSampling(hot.sampling().withSeed(7))).collect(null);
        String c = session(128).generate("Once upon a time", hot.withSampling(hot.sampling().withSeed(8))).collect(null);
        assertEquals(a, b);
        assertFalse(a.equals(c), "seeds 7 and 8 wrote the same 30 tokens: " + a);
    }

    @Test
    void evaluateGivesTheLogitsGenerationSamplesFromAndReusesTheCache() {
        Session s = session(128);
        int[] prompt = loaded.tokenizer().encode("Once upon a time", true, false);
        Generation g = session(128).generate(prompt, GREEDY.withMaxTokens(8).withIgnoreEos(true));
        g.collect(null);
        int[] ids = Arrays.copyOf(prompt, prompt.length + 8);
        float[] logits = new float[512];
        for (int i = 0; i < 8; i++) {
            s.evaluate(Arrays.copyOf(ids, prompt.length + i), logits);
            int best = 0;
            for (int v = 1; v < logits.length; v++) {
                best = logits[v] > logits[best] ? v : best;
            }
            ids[prompt.length + i] = best;
        }
        assertArrayEquals(g.generatedTokens(), Arrays.copyOfRange(ids, prompt.length, ids.length));
        assertArrayEquals(Arrays.copyOf(ids, ids.length - 1), s.cachedTokens());

        // from the cache or from scratch: the same bits
        float[] cachedRun = new float[512];
        s.evaluate(ids, cachedRun);
        float[] fresh = new float[512];
        session(128).evaluate(ids, fresh);
        assertArrayEquals(fresh, cachedRun);

        assertThrows(ModelException.class, () -> s.evaluate(new int[0], logits));
        assertThrows(ModelException.class, () -> s.evaluate(new int[129], logits));
        Generation running = s.generate(prompt, GREEDY.withMaxTokens(2));
        running.hasNext();
        assertThrows(IllegalStateException.class, () -> s.evaluate(prompt, logits));
    }

    @Test
    void usageCountsTokens() {
        Generation g = session(128).generate("Once upon a time", GREEDY.withMaxTokens(8));
        g.collect(null);
        assertEquals(5, g.usage().promptTokens());
        assertEquals(8, g.usage().generatedTokens());
        assertEquals(StopReason.MAX_TOKENS, g.usage().stopReason());
        assertTrue(g.usage().prefillNanos() > 0 && g.usage().decodeNanos() > 0);
    }
}
