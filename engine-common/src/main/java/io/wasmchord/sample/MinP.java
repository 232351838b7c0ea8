package io.wasmchord.sample;

/** Keeps tokens at least {@code p} times as likely as the most likely one. */
final class MinP implements SamplerStage {
    private final float p;

    MinP(float p) {
        this.p = p;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        c.sort();
        // p_i >= p * p_max  <=>  logit_i >= logit_max + ln(p)
        float threshold = c.logits[0] + (float) Math.log(p);
        int keep = 1;
        while (keep < c.size && c.logits[keep] >= threshold) {
            keep++;
        }
        c.truncate(keep);
    }
}
