package io.wasmchord.tests.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Prompt-end logits of every reference model and prompt against llama.cpp's (llama-debug --save-logits). */
class PromptLogitsTest {

    static Iterable<Reference.RefModel> models() {
        return Reference.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void promptEndLogitsMatchLlamaCpp(Reference.RefModel m) {
        Map<String, Object> ref = Reference.json(m.ref("logits").resolve(m.name() + ".json"));
        double tol = m.tolerance().logits();
        try (Reference.Loaded loaded = new Reference.Loaded(m)) {
            int vocab = loaded.model.config().vocabSize();
            for (Object o : Json.list(ref.get("results"))) {
                Map<String, Object> r = Json.obj(o);
                int[] prompt = Json.ints(r.get("prompt_tokens"));
                float[] expected = Reference.floats(m.ref("logits").resolve((String) r.get("logits_file")));
                float[] all = loaded.allLogits(prompt, 128);
                double maxDiff = 0;
                int at = -1;
                for (int i = 0; i < vocab; i++) {
                    double d = Math.abs(all[(prompt.length - 1) * vocab + i] - expected[i]);
                    if (d > maxDiff) {
                        maxDiff = d;
                        at = i;
                    }
                }
                System.out.printf("%-24s %-20s max |logit diff| %.5f at %d%n", m.name(), r.get("prompt"), maxDiff, at);
                assertTrue(maxDiff <= tol, m.name() + " \"" + r.get("prompt") + "\": max logit difference "
                        + maxDiff + " at token " + at + " exceeds " + tol);
            }
        }
    }
}
