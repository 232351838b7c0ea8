package io.wasmchord.kernel;

/** The cheap elementwise steps of a transformer layer, with ggml's order of float operations. */
public final class VectorMath {
    private VectorMath() {
    }

    /**
     * {@code out = x / sqrt(mean(x^2) + eps) * weight} over {@code n} values; the sum of squares is
     * taken in double, as ggml does.
     */
    public static void rmsNorm(float[] x, int xOffset, float[] weight, float[] out, int outOffset, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            sum += v * v;
        }
        float mean = (float) (sum / n);
        float scale = 1f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = x[xOffset + i] * scale * weight[i];
        }
    }

    /** {@code a[i] += b[i]} for {@code n} values. */
    public static void add(float[] a, int aOffset, float[] b, int bOffset, int n) {
        for (int i = 0; i < n; i++) {
            a[aOffset + i] += b[bOffset + i];
        }
    }

    /** Adds {@code bias} to each of {@code rows} consecutive rows of {@code bias.length} values. */
    public static void addBias(float[] a, float[] bias, int rows) {
        int n = bias.length;
        for (int r = 0; r < rows; r++) {
            add(a, r * n, bias, 0, n);
        }
    }

    /** {@code gate[i] = silu(gate[i]) * up[i]} for the first {@code n} values. */
    public static void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }
}
