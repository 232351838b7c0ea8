package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batched BF16 dot (four activation rows, two weight rows a pass) gives each output exactly as the
 * one-row dot does: the same lanes, the same order, so a prompt's BF16 sums are those llama.cpp's batched
 * path sums. Widths with and without a tail past the last vector, row ranges of odd length, batches
 * that are not a multiple of four. Runs at 256 and 128 bits with the rest of the kernel tests.
 */
class BF16KernelTest {
    @ParameterizedTest
    @CsvSource({"768, 7, 0, 5", "100, 11, 3, 10", "33, 4, 1, 4", "256, 9, 2, 9"})
    void batchedRowsEqualTheRowDot(int cols, int n, int from, int to) {
        SplittableRandom random = new SplittableRandom(cols * 31 + n);
        int rowBytes = 2 * cols;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate((long) to * rowBytes);
            for (long i = 0; i < (long) to * cols; i++) {
                float v = (float) random.nextGaussian();
                w.set(Simd.HALF, 2 * i, (short) (Float.floatToRawIntBits(v) >>> 16));
            }
            float[] x = new float[cols * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * 3);
            }
            Activations a = new Activations();
            a.encode(GgmlType.BF16, x, cols, n, false);
            BF16Kernel kernel = new BF16Kernel();
            Scratch s = new Scratch();
            int stride = to + 3;
            float[] out = new float[n * stride];
            kernel.dotRows(w, rowBytes, from, to, a, n, out, stride, s);
            for (int t = 0; t < n; t++) {
                for (int r = from; r < to; r++) {
                    float expected = kernel.dot(w, (long) r * rowBytes, a, t, s);
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[t * stride + r]),
                            "row " + r + ", activation row " + t + ": " + out[t * stride + r] + " vs " + expected);
                }
            }
        }
    }
}
