package io.wasmchord.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How activations are encoded: the choices llama.cpp's x86 CPU backend makes, case by case. */
class ActivationQuantizeTest {

    /** A block whose largest magnitude is 127, so the scale is 1 and every .5 is a rounding tie. */
    private static float[] tieBlock() {
        float[] x = new float[32];
        float[] head = {127f, 2.5f, 3.5f, -2.5f, -0.5f, 0.5f, 1.5f, -126.5f, 0.49999997f};
        System.arraycopy(head, 0, x, 0, head.length);
        return x;
    }

    @Test
    void q8_0ActivationsRoundHalfToEvenLikeTheAvxCode() {
        byte[] block = new byte[34];
        GgmlType.Q8_0.format().quantize(tieBlock(), 0, block, 0, 32);
        assertEquals(0x3C00, io.wasmchord.io.LittleEndian.getUnsignedShort(block, 0), "scale 127/127 = 1");
        byte[] expected = new byte[32];
        byte[] head = {127, 2, 4, -2, 0, 0, 2, -126, 0};
        System.arraycopy(head, 0, expected, 0, head.length);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(block, 2, 34));
    }

    @Test
    void q8_0WeightsRoundHalfAwayFromZeroLikeLlamaQuantize() {
        byte[] block = new byte[34];
        Q8_0Format.quantizeReference(tieBlock(), 0, block, 0, 32);
        assertEquals(1f, Half.read(block, 0));
        byte[] expected = new byte[32];
        byte[] head = {127, 3, 4, -3, -1, 1, 2, -127, 0};
        System.arraycopy(head, 0, expected, 0, head.length);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(block, 2, 34));
    }

    @Test
    void q8_0OfAZeroBlockIsZero() {
        byte[] block = new byte[34];
        java.util.Arrays.fill(block, (byte) 9);
        GgmlType.Q8_0.format().quantize(new float[32], 0, block, 0, 32);
        assertArrayEquals(new byte[34], block);
    }

    @Test
    void weightOnlyFormatsHaveNoQuantizer() {
        for (GgmlType type : GgmlType.values()) {
            if (type.isSupported() && type.vecDotType() != type) {
                assertThrows(UnsupportedOperationException.class,
                        () -> type.format().quantize(new float[256], 0, new byte[256], 0, 256), type.toString());
            }
        }
    }

    @Test
    void floatFormatsRoundToNearestEven() {
        float[] x = {1f + 0x1p-11f, 1f + 0x1p-8f, -65520f, 3.0e-8f};
        byte[] half = new byte[8];
        GgmlType.F16.format().quantize(x, 0, half, 0, 4);
        float[] back = new float[4];
        GgmlType.F16.format().dequantize(half, 0, back, 0, 4);
        assertArrayEquals(new float[] {1f, 1f + 0x1p-8f, Float.NEGATIVE_INFINITY, 0x1p-24f}, back);
        byte[] bf = new byte[6];
        float[] backBf = new float[3];
        GgmlType.BF16.format().quantize(x, 0, bf, 0, 3);
        GgmlType.BF16.format().dequantize(bf, 0, backBf, 0, 3);
        assertArrayEquals(new float[] {1f, 1f, -65536f}, backBf, "1 + 2^-8 is a bf16 tie; 65520 rounds up to 2^16");
    }

    @Test
    void q8_1StoresTheScaledSumOfItsQuants() {
        byte[] block = new byte[36];
        GgmlType.Q8_1.format().quantize(tieBlock(), 0, block, 0, 32);
        assertEquals(1f, Half.read(block, 0));
        assertEquals(7f, Half.read(block, 2), "127 + 2 + 4 - 2 + 0 + 0 + 2 - 126");
        assertEquals(4, block[4 + 2]);

        float[] x = new float[32];
        x[0] = 3f;
        x[1] = -1f;
        x[2] = 0.7f;
        GgmlType.Q8_1.format().quantize(x, 0, block, 0, 32);
        float d = 3f / 127f;
        int[] q = {127, Rounding.halfEven(-1f * (127f / 3f)), Rounding.halfEven(0.7f * (127f / 3f))};
        assertArrayEquals(new int[] {127, -42, 30}, q);
        assertEquals(Half.toFloat(Half.fromFloat(d)), Half.read(block, 0));
        assertEquals(Half.toFloat(Half.fromFloat(d * (127 - 42 + 30))), Half.read(block, 2), "s uses the unrounded d");
    }

    @Test
    void q8_KMapsTheLargestMagnitudeToMinus127() {
        for (float sign : new float[] {1f, -1f}) {
            float[] x = new float[256];
            x[0] = sign * 2f;
            x[1] = sign * (1f / 127f); // scaled by -127/x[0]: exactly -0.5, a tie, to even 0
            x[2] = sign * (3f / 127f); // -1.5: to even -2
            x[17] = sign * 1f; // -63.5: to even -64
            byte[] block = new byte[292];
            GgmlType.Q8_K.format().quantize(x, 0, block, 0, 256);
            assertEquals(sign * -2f / 127f, io.wasmchord.io.LittleEndian.getFloat(block, 0), "d = 1 / (-127 / x0)");
            assertEquals(-127, block[4]);
            assertEquals(0, block[5]);
            assertEquals(-2, block[6]);
            assertEquals(-64, block[4 + 17]);
            assertEquals(-129, io.wasmchord.io.LittleEndian.getShort(block, 260), "sum of run 0");
            assertEquals(-64, io.wasmchord.io.LittleEndian.getShort(block, 262), "sum of run 1");
        }
    }

    @Test
    void activationRoundTripsStayWithinHalfAStep() {
        TestRandom random = new TestRandom(42);
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q8_K}) {
            int n = 3 * 256;
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = random.nextGaussian() * (1 + i / 256);
            }
            byte[] blocks = new byte[(int) type.bytesFor(n)];
            type.format().quantize(x, 0, blocks, 0, n);
            float[] back = new float[n];
            type.format().dequantize(blocks, 0, back, 0, n);
            for (int b = 0; b < n / type.blockSize; b++) {
                float amax = 0;
                for (int i = b * type.blockSize; i < (b + 1) * type.blockSize; i++) {
                    amax = Math.max(amax, Math.abs(x[i]));
                }
                float step = amax / 127f;
                for (int i = b * type.blockSize; i < (b + 1) * type.blockSize; i++) {
                    // half a step of rounding, plus the fp16 rounding of the scale (2^-11 of up to 127 steps)
                    assertTrue(Math.abs(back[i] - x[i]) <= step * (0.5f + 127f / 2048f) + 1e-7f,
                            type + " value " + i + ": " + x[i] + " came back as " + back[i]);
                }
                if (type == GgmlType.Q8_K) {
                    for (int g = 0; g < 16; g++) {
                        int runSum = 0;
                        for (int l = 0; l < 16; l++) {
                            runSum += blocks[b * 292 + 4 + 16 * g + l];
                        }
                        assertEquals(runSum, io.wasmchord.io.LittleEndian.getShort(blocks, b * 292 + 260 + 2 * g));
                    }
                }
            }
        }
    }
}
