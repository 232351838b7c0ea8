package io.wasmchord.sample;

/** Keeps the {@code k} most likely tokens. */
final class TopK implements SamplerStage {
    private final int k;

    TopK(int k) {
        this.k = k;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        c.sort();
        c.truncate(k);
    }
}
