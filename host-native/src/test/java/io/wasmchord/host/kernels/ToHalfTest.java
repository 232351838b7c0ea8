package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.kernel.ScalarKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The KV cache's fp16 stores: the vector kernels' conversion gives the reference's bits (engine-common's
 * software {@code Half.fromFloat}) on random values of every magnitude and on the edges: ties, the
 * largest half and the first value that overflows it, subnormal halves and the smallest that round to
 * zero, signed zeros, infinities.
 */
class ToHalfTest {
    @Test
    void matchesTheReferenceBitForBit() {
        SplittableRandom random = new SplittableRandom(11);
        float[] edges = {0f, -0f, 1f, -1f, 65504f, 65519.996f, 65520f, -65520f, 6.1035156e-5f, 6.097555e-5f,
                5.9604645e-8f, 2.9802322e-8f, 2.9802326e-8f, 1.0009766f, 1.0004883f, 1.0014648f, 2049f,
                Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE};
        int n = 4099;
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = i >= 3 && i - 3 < edges.length ? edges[i - 3]
                    : (float) (random.nextGaussian() * Math.pow(2, random.nextInt(-30, 20)));
        }
        short[] expected = new short[n + 5];
        short[] actual = new short[n + 5];
        new ScalarKernels().toHalf(x, 3, expected, 5, n);
        try (VectorKernels kernels = new VectorKernels(1)) {
            kernels.toHalf(x, 3, actual, 5, n);
        }
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[i], actual[i], "value " + i);
        }
    }
}
