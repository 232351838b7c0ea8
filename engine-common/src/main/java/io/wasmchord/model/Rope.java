package io.wasmchord.model;

/**
 * Rotary position embedding as ggml computes it: the angle of pair i at position p is
 * {@code p * base^(-2i/n) * freqScale / freqFactor[i]}, where the powers come from repeated float
 * multiplication (not pow per pair), so the angles round exactly as llama.cpp's do.
 */
final class Rope {
    private final RopeStyle style;
    private final int dims;
    private final float thetaScale;
    private final float freqScale;
    private final float[] freqFactors;
    private final float[] cos;
    private final float[] sin;
    /** The position cos and sin hold: every layer asks for the same one while decoding a token. */
    private int position = -1;

    Rope(RopeStyle style, int dims, float freqBase, float freqScale, float[] freqFactors) {
        this.style = style;
        this.dims = dims;
        this.thetaScale = (float) Math.pow(freqBase, -2.0f / dims);
        this.freqScale = freqScale;
        this.freqFactors = freqFactors;
        this.cos = new float[dims / 2];
        this.sin = new float[dims / 2];
    }

    /** Prepares the angles of position {@code pos}; {@link #apply} then rotates vectors at it. */
    void setPosition(int pos) {
        if (pos == position) {
            return;
        }
        position = pos;
        float theta = pos;
        for (int i = 0; i < dims / 2; i++) {
            float ff = freqFactors == null ? 1f : freqFactors[i];
            float t = freqScale * (theta / ff);
            cos[i] = (float) Math.cos(t);
            sin[i] = (float) Math.sin(t);
            theta *= thetaScale;
        }
    }

    /** Rotates {@code heads} consecutive head vectors of {@code headDim} values from {@code offset}. */
    void apply(float[] x, int offset, int heads, int headDim) {
        int half = dims / 2;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = style == RopeStyle.NORMAL ? base + 2 * i : base + i;
                int b = style == RopeStyle.NORMAL ? a + 1 : a + half;
                float x0 = x[a];
                float x1 = x[b];
                x[a] = x0 * cos[i] - x1 * sin[i];
                x[b] = x0 * sin[i] + x1 * cos[i];
            }
        }
    }
}
