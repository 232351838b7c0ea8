package io.wasmchord.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
