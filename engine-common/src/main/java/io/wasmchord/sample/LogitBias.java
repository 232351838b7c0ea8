package io.wasmchord.sample;

import java.util.Map;

/** Adds a fixed amount to chosen tokens' logits ({@code -Infinity} bans a token). */
final class LogitBias implements SamplerStage {
    private final int[] ids;
    private final float[] biases;

    LogitBias(Map<Integer, Float> bias, int vocab) {
        for (int id : bias.keySet()) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("logit bias for token " + id + ", outside the vocabulary [0, " + vocab + ")");
            }
        }
        ids = new int[bias.size()];
        biases = new float[bias.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : bias.entrySet()) {
            ids[i] = e.getKey();
            biases[i++] = e.getValue();
        }
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        // the candidates are still the whole vocabulary in id order when this stage runs first
        for (int i = 0; i < ids.length; i++) {
            if (c.ids[ids[i]] == ids[i]) {
                c.logits[ids[i]] += biases[i];
            }
        }
        c.sorted = false;
    }
}
