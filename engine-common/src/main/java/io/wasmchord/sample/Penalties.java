package io.wasmchord.sample;

import java.util.HashMap;
import java.util.Map;

/**
 * llama.cpp's repetition penalties over the recent-token window: a token seen {@code n > 0} times
 * has its logit divided by {@code repeat} (multiplied when negative), then lowered by
 * {@code n * frequency + presence}.
 */
final class Penalties implements SamplerStage {
    private final float repeat;
    private final float frequency;
    private final float presence;
    private final Map<Integer, Integer> counts = new HashMap<>();

    Penalties(float repeat, float frequency, float presence) {
        this.repeat = repeat;
        this.frequency = frequency;
        this.presence = presence;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        if (history.size() == 0) {
            return;
        }
        counts.clear();
        for (int i = 0; i < history.size(); i++) {
            counts.merge(history.recent(i), 1, Integer::sum);
        }
        for (int i = 0; i < c.size; i++) {
            Integer n = counts.get(c.ids[i]);
            if (n == null) {
                continue;
            }
            float l = c.logits[i];
            l = l <= 0 ? l * repeat : l / repeat;
            c.logits[i] = l - n * frequency - presence;
        }
        c.sorted = false;
    }
}
