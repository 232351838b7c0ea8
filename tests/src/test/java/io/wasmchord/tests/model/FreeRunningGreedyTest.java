package io.wasmchord.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.generate.Generation;
import io.wasmchord.generate.GenerationOptions;
import io.wasmchord.generate.LoadedModel;
import io.wasmchord.generate.Session;
import io.wasmchord.generate.StopReason;
import io.wasmchord.host.MappedFile;
import io.wasmchord.sample.SamplingParams;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Free-running greedy generation through the public API (tokenizer, session, sampler, decode one
 * token at a time) gives llama.cpp's 64 tokens and text for every reference prompt.
 */
class FreeRunningGreedyTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stories260K-F32", "stories260K-F16"})
    void greedyOutputIsLlamaCppsTokenForToken(String name) throws Exception {
        Reference.RefModel m = Reference.named(name);
        Map<String, Object> ref = Reference.json(m.ref("gen").resolve(name + ".json"));
        try (LoadedModel loaded = LoadedModel.load(MappedFile.open(m.gguf()))) {
            for (Object o : Json.list(ref.get("results"))) {
                Map<String, Object> r = Json.obj(o);
                String prompt = (String) r.get("prompt");
                int[] expected = Json.ints(r.get("generated_tokens"));
                Session session = loaded.newSession(256, Reference.kernels());
                GenerationOptions options = GenerationOptions.defaults()
                        .withSampling(SamplingParams.greedy()).withMaxTokens(expected.length);
                Generation g = session.generate(prompt, options);
                String text = g.collect(null);
                int[] promptIds = new int[Json.list(r.get("prompt_tokens")).size()];
                for (int i = 0; i < promptIds.length; i++) {
                    promptIds[i] = ((Number) Json.obj(Json.list(r.get("prompt_tokens")).get(i)).get("id")).intValue();
                }
                assertArrayEquals(promptIds, g.promptTokens(), "prompt tokens of \"" + prompt + "\"");
                assertArrayEquals(expected, g.generatedTokens(), "generated tokens after \"" + prompt + "\"");
                assertEquals(r.get("content"), text, "text after \"" + prompt + "\"");
                assertEquals(StopReason.MAX_TOKENS, g.stopReason());
            }
        }
    }
}
