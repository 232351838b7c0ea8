package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.wasmchord.quant.GgmlType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vector encodings of Q8_0 and Q8_K activations against engine-common's quantizers (the reference
 * path of {@link Activations}): the same quants, scales and sums, bit for bit, on values that round
 * at exactly .5, blocks of zeros, blocks whose largest magnitude is negative or occurs with both signs.
 * Runs at 256 and 128 bits with the rest of the kernel tests.
 */
class ActivationsTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q8_K"})
    void vectorEncodingEqualsTheReference(GgmlType type) {
        SplittableRandom random = new SplittableRandom(type.ordinal());
        int cols = 1024;
        for (int rows : new int[] {1, 3}) {
            for (int trial = 0; trial < 20; trial++) {
                float[] x = values(random, cols * rows, trial);
                Activations reference = new Activations();
                reference.encode(type, x, cols, rows, true);
                Activations vector = new Activations();
                vector.encode(type, x, cols, rows, false);
                int n = cols * rows;
                String what = type + " trial " + trial + ", " + rows + " rows";
                assertArrayEquals(Arrays.copyOf(reference.q, n), Arrays.copyOf(vector.q, n), what + ": quants");
                assertArrayEquals(Arrays.copyOf(reference.d, n / type.blockSize), Arrays.copyOf(vector.d, n / type.blockSize), what + ": scales");
                assertArrayEquals(Arrays.copyOf(reference.pairs, n / 2), Arrays.copyOf(vector.pairs, n / 2), what + ": pairs");
                if (type == GgmlType.Q8_0) {
                    assertArrayEquals(Arrays.copyOf(reference.offsetStarts, n / 32), Arrays.copyOf(vector.offsetStarts, n / 32), what + ": offsets");
                    assertArrayEquals(Arrays.copyOf(reference.scaledD, n / 32), Arrays.copyOf(vector.scaledD, n / 32), what + ": scaled d");
                } else {
                    assertArrayEquals(Arrays.copyOf(reference.sums16, n / 16), Arrays.copyOf(vector.sums16, n / 16), what + ": sums of 16");
                    assertArrayEquals(Arrays.copyOf(reference.sums32, n / 32), Arrays.copyOf(vector.sums32, n / 32), what + ": sums of 32");
                }
            }
        }
    }

    /** Gaussian values, with kinds of blocks that corner the encoders, chosen by trial. */
    private static float[] values(SplittableRandom random, int n, int trial) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * (trial % 3 == 0 ? 100 : 1));
        }
        switch (trial % 5) {
            case 1 -> Arrays.fill(x, 0, 256, 0f); // a block (or several) of zeros
            case 2 -> { // halves: x * 127 / amax lands on .5 for many values
                for (int i = 0; i < n; i++) {
                    x[i] = (random.nextInt(255) - 127) / 2f;
                }
                for (int b = 0; b < n; b += 32) {
                    x[b] = 127f / 2;
                }
            }
            case 3 -> { // largest magnitude with both signs in every block, negative one first
                for (int b = 0; b < n; b += 256) {
                    x[b + 7] = -50f;
                    x[b + 200] = 50f;
                }
            }
            case 4 -> { // largest magnitude negative
                for (int b = 0; b < n; b += 32) {
                    x[b + 5] = -1000f;
                }
            }
            default -> {
            }
        }
        return x;
    }
}
