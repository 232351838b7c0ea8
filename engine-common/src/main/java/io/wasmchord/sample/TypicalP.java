package io.wasmchord.sample;

/**
 * Locally typical sampling: ranks tokens by how far their surprise is from the distribution's
 * entropy and keeps the closest until their probabilities add up to {@code p}.
 */
final class TypicalP implements SamplerStage {
    private final float p;
    private long[] order = new long[0];
    private int[] keptIds = new int[0];
    private float[] keptLogits = new float[0];

    TypicalP(float p) {
        this.p = p;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        c.softmax();
        double entropy = 0;
        for (int i = 0; i < c.size; i++) {
            float q = c.probs[i];
            if (q > 0) {
                entropy -= q * Math.log(q);
            }
        }
        if (order.length < c.size) {
            order = new long[c.size];
        }
        for (int i = 0; i < c.size; i++) {
            double shift = Math.abs(-Math.log(c.probs[i]) - entropy);
            // non-negative float bits sort like the floats; the low half keeps the position
            order[i] = ((long) Float.floatToIntBits((float) shift) << 32) | i;
        }
        java.util.Arrays.sort(order, 0, c.size);
        double cum = 0;
        int keep = c.size;
        for (int i = 0; i < c.size; i++) {
            cum += c.probs[(int) order[i]];
            if (cum > p) {
                keep = i + 1;
                break;
            }
        }
        if (keptIds.length < keep) {
            keptIds = new int[c.ids.length];
            keptLogits = new float[c.ids.length];
        }
        for (int i = 0; i < keep; i++) {
            int at = (int) order[i];
            keptIds[i] = c.ids[at];
            keptLogits[i] = c.logits[at];
        }
        System.arraycopy(keptIds, 0, c.ids, 0, keep);
        System.arraycopy(keptLogits, 0, c.logits, 0, keep);
        c.size = keep;
        c.sorted = false;
    }
}
