package io.wasmchord.tests.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds llama.cpp's greedy output back in (one prefill of prompt + reference tokens, logits at every
 * position) and checks that our top-1 equals the reference token wherever the reference's own gap
 * between its top two candidates exceeds the README's threshold.
 */
class TeacherForcedGreedyTest {

    static Iterable<Reference.RefModel> models() {
        return Reference.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void topOneAgreesWhereTheReferenceIsSure(Reference.RefModel m) {
        Map<String, Object> ref = Reference.json(m.ref("gen").resolve(m.name() + ".json"));
        double threshold = m.tolerance().gap();
        List<String> misses = new ArrayList<>();
        int checked = 0;
        try (Reference.Loaded loaded = new Reference.Loaded(m)) {
            int vocab = loaded.model.config().vocabSize();
            for (Object o : Json.list(ref.get("results"))) {
                Map<String, Object> r = Json.obj(o);
                List<Object> promptTokens = Json.list(r.get("prompt_tokens"));
                int[] generated = Json.ints(r.get("generated_tokens"));
                int[] tokens = new int[promptTokens.size() + generated.length];
                for (int i = 0; i < promptTokens.size(); i++) {
                    tokens[i] = ((Number) Json.obj(promptTokens.get(i)).get("id")).intValue();
                }
                System.arraycopy(generated, 0, tokens, promptTokens.size(), generated.length);
                float[] logits = loaded.allLogits(tokens, tokens.length);
                List<Object> steps = Json.list(r.get("steps"));
                for (int s = 0; s < generated.length; s++) {
                    List<Object> top = Json.list(Json.obj(steps.get(s)).get("top10"));
                    double gap = ((Number) Json.list(top.get(0)).get(2)).doubleValue()
                            - ((Number) Json.list(top.get(1)).get(2)).doubleValue();
                    if (gap <= threshold) {
                        continue;
                    }
                    int row = (promptTokens.size() - 1 + s) * vocab;
                    int best = 0;
                    for (int i = 1; i < vocab; i++) {
                        if (logits[row + i] > logits[row + best]) {
                            best = i;
                        }
                    }
                    checked++;
                    if (best != generated[s]) {
                        misses.add("\"" + r.get("prompt") + "\" step " + s + ": " + best + " instead of "
                                + generated[s] + " (reference gap " + gap + ")");
                    }
                }
            }
        }
        System.out.printf("%-24s teacher-forced steps checked %d, misses %d%n", m.name(), checked, misses.size());
        assertTrue(checked > 0, "no step had a gap above " + threshold);
        assertTrue(misses.isEmpty(), m.name() + ": " + misses);
    }
}
