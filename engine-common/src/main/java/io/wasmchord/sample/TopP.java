package io.wasmchord.sample;

/** Nucleus sampling: keeps the most likely tokens until their probabilities add up to {@code p}. */
final class TopP implements SamplerStage {
    private final float p;

    TopP(float p) {
        this.p = p;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        c.softmax();
        double cum = 0;
        for (int i = 0; i < c.size; i++) {
            cum += c.probs[i];
            if (cum >= p) {
                c.truncate(i + 1);
                return;
            }
        }
    }
}
