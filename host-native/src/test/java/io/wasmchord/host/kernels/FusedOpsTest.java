package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.kernel.VectorMath;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels' fused RMSNorm-times-weight and SwiGLU against engine-common's scalar steps, on
 * lengths that are and are not multiples of the vector width (run at 256 and 128 bits by the build).
 */
class FusedOpsTest {
    @Test
    void rmsNormMatchesTheScalarReference() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n : new int[] {64, 77, 768, 3}) {
            int rows = 3;
            float[] x = randoms(random, n * rows, 5f);
            float[] weight = randoms(random, n, 2f);
            float[] out = new float[n * rows];
            float[] expected = new float[n * rows];
            FusedOps.rmsNorm(x, weight, out, n, 0, rows, 1e-5f);
            for (int t = 0; t < rows; t++) {
                VectorMath.rmsNorm(x, t * n, weight, expected, t * n, n, 1e-5f);
            }
            for (int i = 0; i < out.length; i++) {
                // The double sums differ only in order: the results are equal or one float step apart.
                assertEquals(expected[i], out[i], Math.ulp(expected[i]) * 2, "n " + n + " value " + i);
            }
        }
    }

    @Test
    void swigluMatchesTheScalarReference() {
        SplittableRandom random = new SplittableRandom(6);
        for (int n : new int[] {64, 301, 2048}) {
            float[] gate = randoms(random, n, 20f);
            float[] up = randoms(random, n, 3f);
            float[] expected = gate.clone();
            VectorMath.swiglu(expected, up, n);
            FusedOps.swiglu(gate, up, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], gate[i], 4 * Math.ulp(expected[i]) + 1e-30f, "n " + n + " value " + i);
            }
        }
    }

    /** Batches big enough to be split over the pool ({@link ElementwiseJob}) give the single-thread result, every row. */
    @Test
    void batchesSplitOverThreadsMatchOneThread() {
        SplittableRandom random = new SplittableRandom(7);
        int n = 771;
        int rows = 37;
        float[] x = randoms(random, n * rows, 5f);
        float[] weight = randoms(random, n, 2f);
        float[] expected = new float[n * rows];
        FusedOps.rmsNorm(x, weight, expected, n, 0, rows, 1e-5f);
        int length = 3 * ElementwiseJob.SWIGLU_PART * 4 + 13;
        float[] gate = randoms(random, length, 20f);
        float[] up = randoms(random, length, 3f);
        float[] expectedGate = gate.clone();
        FusedOps.swiglu(expectedGate, up, 0, length);
        // Within the ulps the other tests allow: a thread whose copy of the code C2 has not compiled yet runs
        // the Vector API's Java fallback, which sums lanes and takes exponentials its own way.
        try (VectorKernels kernels = new VectorKernels(3)) {
            float[] out = new float[n * rows];
            kernels.rmsNorm(x, weight, out, n, rows, 1e-5f);
            for (int i = 0; i < out.length; i++) {
                assertEquals(expected[i], out[i], Math.ulp(expected[i]) * 2, "norm value " + i);
            }
            kernels.swiglu(gate, up, length);
            for (int i = 0; i < length; i++) {
                assertEquals(expectedGate[i], gate[i], 4 * Math.ulp(expectedGate[i]) + 1e-30f, "swiglu value " + i);
            }
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
