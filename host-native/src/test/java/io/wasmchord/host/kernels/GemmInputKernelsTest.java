package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.quant.GgmlType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batch path's activation encoding against the reference encoding (Activations), bit for bit, and its
 * layout (run at 256 and 128 bits: the layout follows the lanes).
 */
class GemmInputKernelsTest {

    @Test
    void encodesBitForBitAsTheReferenceQuantizers() {
        SplittableRandom random = new SplittableRandom(11);
        try (WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_K, GgmlType.F16, GgmlType.BF16, GgmlType.F32}) {
                for (int n : new int[] {1, 5, 8, 9, 16, 17, 33, 40}) {
                    int cols = 512;
                    float[] x = new float[n * cols];
                    for (int i = 0; i < x.length; i++) {
                        int block = i / 32;
                        x[i] = switch (block % 5) {
                            case 0 -> 0f;                                               // all-zero blocks
                            case 1 -> (float) random.nextGaussian() * 1e-3f;
                            case 2 -> (random.nextInt(255) - 127) / 127f * 3f;          // many exact ties after scaling
                            case 3 -> (float) random.nextGaussian() * 40f;
                            default -> random.nextInt(8) == 0 ? -5f : (float) random.nextGaussian();  // repeated extremes
                        };
                    }
                    Activations reference = new Activations();
                    reference.encode(type, x, cols, n);
                    float[] expected = reference.asFloats();
                    float[] actual = new GemmInput().encode(type, x, cols, n, pool);
                    for (int i = 0; i < n * cols; i++) {
                        float got = actual[GemmInput.packedIndex(i / cols, i % cols, cols, n)];
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got),
                                type + " n " + n + " at " + i + ": " + expected[i] + " vs " + got + " (x " + x[i] + ")");
                    }
                    for (int t = n; t < GemmInput.paddedTokens(n); t++) {
                        for (int k = 0; k < cols; k++) {
                            assertEquals(0f, actual[GemmInput.packedIndex(t, k, cols, n)], "padding token " + t + " of " + n);
                        }
                    }
                }
            }
        }
    }
}
