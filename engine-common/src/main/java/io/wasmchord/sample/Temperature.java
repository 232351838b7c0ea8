package io.wasmchord.sample;

/** Divides logits by the temperature (above 1 flattens, below 1 sharpens). */
final class Temperature implements SamplerStage {
    private final float t;

    Temperature(float t) {
        this.t = t;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        for (int i = 0; i < c.size; i++) {
            c.logits[i] /= t;
        }
    }
}
