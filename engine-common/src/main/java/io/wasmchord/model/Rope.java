package io.wasmchord.model;

/**
 * Rotary position embedding as ggml computes it: the angle of pair i at position p is
 * {@code p * base^(-2i/n) * freqScale / freqFactor[i]}, where the powers come from repeated float
 * multiplication (not pow per pair), so the angles round exactly as llama.cpp's do.
 *
 * <p>The cos and sin of a whole batch's positions are computed once ({@link #setPositions}) and serve
 * every layer: per layer and token they were ~2% of a stories110M prompt.
 */
final class Rope {
    private final RopeStyle style;
    private final int dims;
    private final float thetaScale;
    private final float freqScale;
    private final float[] freqFactors;
    /** Row r: the angles of position {@code first + r}, {@code dims / 2} of them; grown to the largest batch. */
    private float[] cos;
    private float[] sin;
    /** The positions the tables hold: every layer asks for the same ones. */
    private int first = -1;
    private int count;

    Rope(RopeStyle style, int dims, float freqBase, float freqScale, float[] freqFactors) {
        this.style = style;
        this.dims = dims;
        this.thetaScale = (float) Math.pow(freqBase, -2.0f / dims);
        this.freqScale = freqScale;
        this.freqFactors = freqFactors;
        this.cos = new float[dims / 2];
        this.sin = new float[dims / 2];
    }

    /** Prepares the angles of positions {@code first .. first + count - 1}; {@link #apply} row r rotates at the r-th. */
    void setPositions(int first, int count) {
        if (first == this.first && count <= this.count) {
            return;
        }
        int half = dims / 2;
        if (cos.length < count * half) { // a decoding sequence keeps one row: it allocates nothing per token
            cos = new float[count * half];
            sin = new float[count * half];
        }
        for (int r = 0; r < count; r++) {
            float theta = first + r;
            for (int i = 0; i < half; i++) {
                float ff = freqFactors == null ? 1f : freqFactors[i];
                float t = freqScale * (theta / ff);
                cos[r * half + i] = (float) Math.cos(t);
                sin[r * half + i] = (float) Math.sin(t);
                theta *= thetaScale;
            }
        }
        this.first = first;
        this.count = count;
    }

    /**
     * Rotates {@code heads} consecutive head vectors of {@code headDim} values from {@code offset} to
     * position {@code row} of those set.
     */
    void apply(float[] x, int offset, int heads, int headDim, int row) {
        int half = dims / 2;
        int angles = row * half;
        boolean adjacent = style == RopeStyle.NORMAL;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = adjacent ? base + 2 * i : base + i;
                int b = adjacent ? a + 1 : a + half;
                float c = cos[angles + i];
                float s = sin[angles + i];
                float x0 = x[a];
                float x1 = x[b];
                x[a] = x0 * c - x1 * s;
                x[b] = x0 * s + x1 * c;
            }
        }
    }
}
