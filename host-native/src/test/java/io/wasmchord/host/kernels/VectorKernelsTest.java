package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.io.ByteArraySource;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.tools.RandomBlocks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every weight format through the vector kernels against engine-common's scalar reference dot, on
 * random weights and activations of odd sizes (odd row counts, odd block counts, float rows that are
 * no multiple of the vector width), one and several activation rows. The build runs this class three
 * times: at the machine's width and with {@code -Dchord.vector.bits=128} and {@code 512}.
 */
class VectorKernelsTest {
    private static VectorKernels kernels;

    @BeforeAll
    static void start() {
        kernels = new VectorKernels(3);
    }

    @AfterAll
    static void stop() {
        kernels.close();
    }

    static List<GgmlType> weightTypes() {
        List<GgmlType> types = new ArrayList<>();
        for (GgmlType t : GgmlType.values()) {
            if (t.isSupported() && t != GgmlType.Q8_1 && t != GgmlType.Q8_K && RandomBlocks.supports(t)) {
                types.add(t);
            }
        }
        return types;
    }

    @ParameterizedTest
    @MethodSource("weightTypes")
    void matchesTheScalarReference(GgmlType type) {
        SplittableRandom random = new SplittableRandom(type.ordinal());
        int cols = type.blockSize == 1 ? 173 : type.blockSize * 3;
        for (int n : new int[] {1, 5}) {
            check(type, 37, cols, n, random);
        }
        check(type, 1, cols, 1, random);
        check(type, 130, type.blockSize == 1 ? 64 : type.blockSize, 2, random);
    }

    /**
     * The prompt mat-mat ({@link GemmJob}) against the reference on the shapes its blocking cuts: row
     * counts around the panels and groups (8 rows at 128 bits, 16 at 256, 32 at 512: 1, 7, 8, 9, 21, a group and 5: short
     * last panels of plain and repacked matrices), batches around its token blocks (4, the first batch it
     * takes; 7, 8, 9, one block or more; 17 and 33, wide blocks and a narrow last one; 24, wide blocks
     * only at 256 and 512 bits), and columns below, at and above its 256-column chunk, with a short last
     * chunk.
     */
    @ParameterizedTest
    @MethodSource("matMatTypes")
    void matMatMatchesTheScalarReference(GgmlType type) {
        SplittableRandom random = new SplittableRandom(100 + type.ordinal());
        int block = Math.max(type.blockSize, 32);
        for (int cols : new int[] {block, GemmJob.CHUNK, GemmJob.CHUNK + block, 3 * GemmJob.CHUNK - block}) {
            for (int rows : new int[] {1, 9, 21}) {
                check(type, rows, cols, 7, random);
            }
        }
        for (int n : new int[] {4, 8, 9, 17, 24, 33}) {
            check(type, 7, 2 * GemmJob.CHUNK, n, random);
            check(type, 8, GemmJob.CHUNK + block, n, random);
            check(type, InterleavedKernel.GROUP + 5, GemmJob.CHUNK + block, n, random);
        }
    }

    /** Formats whose batches go through the float mat-mat, with cols that are whole blocks of each. */
    static List<GgmlType> matMatTypes() {
        List<GgmlType> types = new ArrayList<>();
        for (GgmlType t : weightTypes()) {
            if (GemmInput.supports(t.vecDotType()) && GemmJob.CHUNK % t.blockSize == 0) {
                types.add(t);
            }
        }
        return types;
    }

    /**
     * Matrices sharing an input through one {@code matmuls} call give what separate matmuls give (up to a
     * few ulps: the same kernel's lane reduction runs in another order before and after C2 compiles it):
     * formats sharing their activation encoding run as one job (Q4_K with Q6_K, Q4_0 with Q8_0), the
     * others one by one; row counts that are no multiple of the interleaved group, 1 to 5 activation rows.
     */
    @Test
    void matmulsEqualsSeparateMatmuls() {
        SplittableRandom random = new SplittableRandom(42);
        GgmlType[][] sets = {
                {GgmlType.Q4_K, GgmlType.Q4_K, GgmlType.Q6_K},
                {GgmlType.Q4_0, GgmlType.Q8_0},
                {GgmlType.Q4_0, GgmlType.Q6_K, GgmlType.F16},
        };
        int cols = 512;
        int[] rowCounts = {96, 37, 200};
        for (GgmlType[] set : sets) {
            for (int n : new int[] {1, 3, 5}) {
                WeightMatrix[] ws = new WeightMatrix[set.length];
                float[][] together = new float[set.length][];
                for (int i = 0; i < set.length; i++) {
                    byte[] weights = new byte[(int) set[i].bytesFor((long) rowCounts[i] * cols)];
                    RandomBlocks.fill(set[i], weights, weights.length, 0f, random);
                    ws[i] = new WeightMatrix("test." + i, set[i], rowCounts[i], cols, new ByteArraySource("w" + i, weights));
                    together[i] = new float[n * rowCounts[i]];
                }
                float[] x = new float[n * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (random.nextDouble() * 2 - 1);
                }
                kernels.matmuls(ws, x, together, n);
                for (int i = 0; i < set.length; i++) {
                    float[] alone = new float[n * rowCounts[i]];
                    kernels.matmul(ws[i], x, alone, n);
                    for (int j = 0; j < alone.length; j++) {
                        assertEquals(alone[j], together[i][j], 1e-5f * (1 + Math.abs(alone[j])), set[i] + " in " + Arrays.toString(set) + ", n=" + n + ", output " + j);
                    }
                }
            }
        }
    }

    /** A run that asks for a width ({@code -Dchord.vector.bits}, as the build's extra executions do) gets it. */
    @Test
    void runsAtTheRequestedWidth() {
        String bits = System.getProperty("chord.vector.bits");
        int expected = bits != null ? Integer.parseInt(bits)
                : Math.min(512, Math.max(128, jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize()));
        assertEquals(expected, VectorKernels.vectorBits());
    }

    @Test
    void everyWeightFormatHasASimdKernel() {
        for (GgmlType t : weightTypes()) {
            assertTrue(VectorKernels.hasSimdKernel(t), t + " needs a SIMD kernel");
        }
    }

    /**
     * Q4_0's 16-bit sums wrap on the way to a block's sum (see Q4_0x8Kernel): nibbles all 0, all 15 or
     * mixed, against activations all at +127, all at -127 or alternating, must still give the reference.
     */
    @Test
    void q4_0AtTheExtremesMatchesTheScalarReference() {
        GgmlType type = GgmlType.Q4_0;
        int rows = 2 * InterleavedKernel.GROUP + 3;
        int cols = 96;
        SplittableRandom random = new SplittableRandom(40);
        for (int quants : new int[] {0x00, 0xFF, 0x0F, 0xF0}) {
            byte[] weights = new byte[(int) type.bytesFor((long) rows * cols)];
            RandomBlocks.fill(type, weights, weights.length, 0f, random);
            for (int block = 0; block < weights.length / type.typeSize; block++) {
                Arrays.fill(weights, block * type.typeSize + 2, (block + 1) * type.typeSize, (byte) quants);
            }
            for (int sign = 0; sign < 3; sign++) {
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) {
                    x[i] = sign == 0 ? 1f : sign == 1 ? -1f : i % 2 == 0 ? 1f : -1f;
                }
                check(type, rows, cols, 1, weights, x);
            }
        }
    }

    /**
     * Q6_K's 16-bit sums wrap on the way to a sub-block's sum (see Q6_Kx8Kernel): values all 0 (the sum of
     * a lane is then 8 x -32 x the activations, 32,512 at most), all 63, low nibbles or high parts alone at
     * their largest, or mixed, against activations (Q8_K) all at -127, nearly all at +127 (a block's first
     * value is the one of largest magnitude, at -127) or alternating, must still give the reference.
     */
    @Test
    void q6_KAtTheExtremesMatchesTheScalarReference() {
        GgmlType type = GgmlType.Q6_K;
        int rows = 2 * InterleavedKernel.GROUP + 3;
        int cols = 512;
        SplittableRandom random = new SplittableRandom(42);
        int[][] parts = {{0x00, 0x00}, {0xFF, 0xFF}, {0xFF, 0x00}, {0x00, 0xFF}, {0x0F, 0xCC}, {0xF0, 0x33}};
        for (int[] part : parts) {
            byte[] weights = new byte[(int) type.bytesFor((long) rows * cols)];
            RandomBlocks.fill(type, weights, weights.length, 0f, random);
            for (int block = 0; block < weights.length / type.typeSize; block++) {
                int at = block * type.typeSize;
                Arrays.fill(weights, at, at + 128, (byte) part[0]);
                Arrays.fill(weights, at + 128, at + 192, (byte) part[1]);
            }
            for (int sign = 0; sign < 3; sign++) {
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) {
                    x[i] = sign == 0 ? 1f : sign == 1 ? (i % 256 == 0 ? -1f : 1f) : i % 2 == 0 ? 1f : -1f;
                }
                check(type, rows, cols, 1, weights, x);
            }
        }
    }

    /**
     * Batches large enough to be encoded on the pool's threads (Q8_0 for Q4_0 weights: {@link BatchEncodeJob}),
     * with a last part of fewer blocks, give what the reference gives; then a small batch and a single row,
     * encoded on the calling thread, still do.
     */
    @Test
    void batchesEncodedOnThePoolMatchTheScalarReference() {
        SplittableRandom random = new SplittableRandom(43);
        check(GgmlType.Q4_0, 2 * InterleavedKernel.GROUP + 3, 1024, 40, random);
        check(GgmlType.Q4_0, InterleavedKernel.GROUP, 32 * 97, 13, random);
        check(GgmlType.Q4_0, InterleavedKernel.GROUP + 1, 1024, 5, random);
        check(GgmlType.Q4_0, InterleavedKernel.GROUP + 1, 1024, 1, random);
    }

    /**
     * A block scale that is infinite or NaN (a damaged file) gives infinities or NaNs as the reference does: the
     * repacked kernels convert scales without that case, so such a matrix keeps the file layout
     * (InterleavedKernel.accept). Rows whose blocks are all finite still match as usual.
     */
    @Test
    void infiniteAndNanScalesGiveTheReferenceResults() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
            int rows = 2 * InterleavedKernel.GROUP + 1;
            int cols = 2 * type.blockSize;
            int scaleAt = type == GgmlType.Q6_K ? 208 : 0; // the block's fp16 scale (d): first, but last in Q6_K
            SplittableRandom random = new SplittableRandom(41);
            byte[] weights = new byte[(int) type.bytesFor((long) rows * cols)];
            RandomBlocks.fill(type, weights, weights.length, 0f, random);
            int rowBytes = (int) type.bytesFor(cols);
            weights[3 * rowBytes + scaleAt] = 0;
            weights[3 * rowBytes + scaleAt + 1] = (byte) 0x7C; // row 3: +infinity (0x7C00)
            weights[5 * rowBytes + type.typeSize + scaleAt] = 0;
            weights[5 * rowBytes + type.typeSize + scaleAt + 1] = (byte) 0x7E; // row 5, second block: NaN (0x7E00)
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = (float) (random.nextDouble() * 2 - 1);
            }
            WeightMatrix w = new WeightMatrix("test.nonfinite." + type.displayName, type, rows, cols, new ByteArraySource("w", weights));
            float[] out = new float[rows];
            kernels.matmul(w, x, out, 1);
            byte[] encoded = new byte[(int) type.vecDotType().bytesFor(cols)];
            type.vecDotType().format().quantize(x, 0, encoded, 0, cols);
            for (int r = 0; r < rows; r++) {
                float expected = type.format().dot(weights, r * rowBytes, encoded, 0, cols);
                if (r == 3 || r == 5) {
                    assertTrue(!Float.isFinite(expected), type + " row " + r + ": the reference is not finite");
                    // Infinite or NaN as the reference is (the order of the sums decides which): never a finite number.
                    assertTrue(!Float.isFinite(out[r]), type + " row " + r + ": " + out[r] + " against " + expected);
                } else {
                    assertEquals(expected, out[r], 1e-4 * (1 + Math.abs(expected)), type + " row " + r);
                }
            }
        }
    }

    private static void check(GgmlType type, int rows, int cols, int n, SplittableRandom random) {
        byte[] weights = new byte[(int) type.bytesFor((long) rows * cols)];
        RandomBlocks.fill(type, weights, weights.length, 0f, random);
        float[] x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1) * (i % 7 == 0 ? 4f : 1f);
        }
        check(type, rows, cols, n, weights, x);
    }

    private static void check(GgmlType type, int rows, int cols, int n, byte[] weights, float[] x) {
        WeightMatrix w = new WeightMatrix("test." + type.displayName, type, rows, cols, new ByteArraySource("w", weights));
        float[] out = new float[n * rows];
        kernels.matmul(w, x, out, n);

        GgmlType act = type.vecDotType();
        int actBytes = (int) act.bytesFor(cols);
        byte[] encoded = new byte[actBytes * n];
        for (int t = 0; t < n; t++) {
            act.format().quantize(x, t * cols, encoded, t * actBytes, cols);
        }
        int rowBytes = w.rowBytes();
        float[] dequantized = new float[cols];
        for (int r = 0; r < rows; r++) {
            type.format().dequantize(weights, r * rowBytes, dequantized, 0, cols);
            for (int t = 0; t < n; t++) {
                float expected = type.format().dot(weights, r * rowBytes, encoded, t * actBytes, cols);
                double magnitude = 0;
                for (int i = 0; i < cols; i++) {
                    magnitude += Math.abs(dequantized[i] * x[t * cols + i]);
                }
                assertEquals(expected, out[t * rows + r], 2e-5 * magnitude + 1e-6,
                        type + " " + rows + "x" + cols + " row " + r + " token " + t + " at " + VectorKernels.vectorBits() + " bits");
            }
        }
    }
}
