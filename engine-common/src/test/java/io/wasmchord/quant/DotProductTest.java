package io.wasmchord.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.io.LittleEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * dot(weights, quantize(activations)) against a double-precision sum of the two dequantized vectors, for
 * every supported type, on random blocks (every quant bit pattern, random scales) in odd block counts.
 */
class DotProductTest {
    private static final int[] BLOCK_COUNTS = {1, 3, 7};

    @TestFactory
    Stream<DynamicTest> dotEqualsTheSumOfDequantizedProducts() {
        List<DynamicTest> tests = new ArrayList<>();
        for (GgmlType type : GgmlType.values()) {
            if (!type.isSupported()) {
                continue;
            }
            for (int blocks : BLOCK_COUNTS) {
                tests.add(DynamicTest.dynamicTest(type + " x " + blocks + " blocks", () -> check(type, blocks)));
            }
        }
        return tests.stream();
    }

    private static void check(GgmlType type, int blocks) {
        TestRandom random = new TestRandom(type.id * 1000L + blocks);
        int n = blocks * type.blockSize;
        GgmlType actType = type.vecDotType();
        assertNotNull(actType, type + " has a vec-dot type");

        int weightsOffset = 5;
        byte[] weights = new byte[weightsOffset + (int) type.bytesFor(n)];
        fillRandomWeights(type, weights, weightsOffset, n, random);

        float[] x = new float[n + 3];
        for (int i = 0; i < n; i++) {
            int block = i / actType.blockSize;
            float scale = block % 3 == 1 ? 0f : (float) Math.pow(10, (block % 5) - 2); // an all-zero block, and varied scales
            x[3 + i] = scale * random.nextGaussian();
        }
        int actOffset = 7;
        byte[] act = new byte[actOffset + (int) actType.bytesFor(n)];
        actType.format().quantize(x, 3, act, actOffset, n);

        float[] w = new float[n];
        float[] a = new float[n];
        type.format().dequantize(weights, weightsOffset, w, 0, n);
        actType.format().dequantize(act, actOffset, a, 0, n);
        double exact = 0;
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            exact += (double) w[i] * a[i];
            magnitude += Math.abs((double) w[i] * a[i]);
        }
        double tolerance = 1e-5 * magnitude + sumTermSlack(type, weights, weightsOffset, act, actOffset, blocks) + 1e-30;
        float got = type.format().dot(weights, weightsOffset, act, actOffset, n);
        assertTrue(Math.abs(got - exact) <= tolerance,
                type + ": dot " + got + " vs " + exact + " (tolerance " + tolerance + ", magnitude " + magnitude + ")");
        assertTrue(magnitude > 0, "the test vectors are not all zero");
    }

    /**
     * Q4_1 and Q5_1 use the activation block's stored sum s = fp16(d * sum(q)) for the min term, as
     * llama.cpp does; that differs from fp16(d) * sum(q) by up to two fp16 roundings (2^-10 relative).
     */
    private static double sumTermSlack(GgmlType type, byte[] w, int wOffset, byte[] act, int aOffset, int blocks) {
        if (type != GgmlType.Q4_1 && type != GgmlType.Q5_1) {
            return 0;
        }
        double slack = 0;
        for (int b = 0; b < blocks; b++) {
            float m = Half.read(w, wOffset + b * type.typeSize + 2);
            float s = Half.read(act, aOffset + b * GgmlType.Q8_1.typeSize + 2);
            slack += Math.abs((double) m * s) * 0x1p-10;
        }
        return slack;
    }

    /**
     * Random bytes for every quant and sub-scale bit, with the block's float scales overwritten by
     * moderate random values (random bytes there would give NaN and infinity).
     */
    static void fillRandomWeights(GgmlType type, byte[] dst, int offset, int n, TestRandom random) {
        int blocks = n / type.blockSize;
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    LittleEndian.putFloat(dst, offset + 4 * i, random.nextGaussian());
                }
                return;
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    Half.write(dst, offset + 2 * i, random.nextGaussian());
                }
                return;
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    Half.writeBf16(dst, offset + 2 * i, random.nextGaussian());
                }
                return;
            }
            default -> {
            }
        }
        byte[] bytes = new byte[blocks * type.typeSize];
        random.nextBytes(bytes);
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
        int[] halfScales = halfScaleOffsets(type);
        for (int b = 0; b < blocks; b++) {
            int at = offset + b * type.typeSize;
            for (int field : halfScales) {
                Half.write(dst, at + field, (random.nextFloat() - 0.5f) * 0.2f);
            }
            if (type == GgmlType.Q8_K) {
                LittleEndian.putFloat(dst, at, (random.nextFloat() - 0.5f) * 0.02f);
            }
        }
    }

    /** Where each block format keeps its fp16 scale fields (from ggml-common.h). */
    private static int[] halfScaleOffsets(GgmlType type) {
        return switch (type) {
            case Q4_0, Q5_0, Q8_0, IQ4_NL, IQ4_XS -> new int[] {0};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            case Q4_1, Q5_1, Q8_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q8_K -> new int[0];
            default -> throw new AssertionError("no layout for " + type);
        };
    }

    @TestFactory
    Stream<DynamicTest> dotRejectsPartialBlocks() {
        return Stream.of(GgmlType.values()).filter(GgmlType::isSupported).filter(t -> t.blockSize > 1)
                .map(t -> DynamicTest.dynamicTest(t.toString(), () -> {
                    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> t.format().dot(new byte[1024], 0, new byte[1024], 0, t.blockSize + 1));
                    assertEquals((t.blockSize + 1) + " values are not a whole number of " + t.displayName + " blocks of "
                            + t.blockSize, e.getMessage());
                }));
    }
}
