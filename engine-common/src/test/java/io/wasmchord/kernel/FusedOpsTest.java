package io.wasmchord.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused RMSNorm-times-weight and SwiGLU of the reference kernels against the unfused steps they
 * replace (normalise, then multiply by the weight; silu, then multiply by up), computed in double.
 */
class FusedOpsTest {
    private final Kernels kernels = new ScalarKernels();

    @Test
    void rmsNormTimesWeightEqualsNormThenWeight() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 77;
        int rows = 3;
        float eps = 1e-5f;
        float[] x = randoms(random, n * rows, 3f);
        float[] weight = randoms(random, n, 1f);
        float[] out = new float[n * rows];
        kernels.rmsNorm(x, weight, out, n, rows, eps);
        for (int t = 0; t < rows; t++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += (double) x[t * n + i] * x[t * n + i];
            }
            double scale = 1 / Math.sqrt(sum / n + eps);
            for (int i = 0; i < n; i++) {
                double normed = x[t * n + i] * scale;
                assertEquals(normed * weight[i], out[t * n + i], 1e-6 * Math.abs(normed * weight[i]) + 1e-7, "row " + t + " value " + i);
            }
        }
    }

    @Test
    void swigluEqualsSiluThenTimesUp() {
        SplittableRandom random = new SplittableRandom(4);
        int n = 301;
        float[] gate = randoms(random, n, 12f);
        float[] up = randoms(random, n, 2f);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            double silu = gate[i] / (1 + Math.exp(-gate[i]));
            expected[i] = (float) (silu * up[i]);
        }
        kernels.swiglu(gate, up, n);
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], gate[i], 1e-6 * Math.abs(expected[i]) + 1e-7, "value " + i);
        }
    }

    private static float[] randoms(SplittableRandom random, int n, float range) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * range);
        }
        return a;
    }
}
