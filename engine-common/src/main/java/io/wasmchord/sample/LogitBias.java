package io.wasmchord.sample;

import java.util.Map;

/** Adds a fixed amount to chosen tokens' logits ({@code -Infinity} bans a token). */
final class LogitBias implements SamplerStage {
    private final int[] ids;
    private final float[] biases;

    LogitBias(Map<Integer, Float> bias) {
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
            if (ids[i] >= 0 && ids[i] < c.size && c.ids[ids[i]] == ids[i]) {
                c.logits[ids[i]] += biases[i];
            }
        }
        c.sorted = false;
    }
}
