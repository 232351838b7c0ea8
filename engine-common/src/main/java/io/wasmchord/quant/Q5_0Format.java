package io.wasmchord.quant;

import io.wasmchord.io.LittleEndian;

/**
 * Five-bit symmetric values: {@code d:f16, qh:u32, qs:u8[16]} (22 bytes). Value j takes its low four
 * bits from nibble j of qs (as Q4_0) and its fifth from bit j of qh; value = d * (q - 16). Activations
 * are Q8_0.
 */
final class Q5_0Format extends AbstractBlockFormat {
    private static final int BLOCK = 32;
    private static final int BYTES = 22;

    Q5_0Format() {
        super(GgmlType.Q5_0);
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            int at = srcOffset + b * BYTES;
            float d = Half.read(src, at);
            int qh = LittleEndian.getInt(src, at + 2);
            int out = dstOffset + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = src[at + 6 + j];
                dst[out + j] = ((q & 0xF | ((qh >>> j) & 1) << 4) - 16) * d;
                dst[out + j + 16] = (((q >> 4) & 0xF | ((qh >>> (j + 16)) & 1) << 4) - 16) * d;
            }
        }
    }

    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        int blocks = blocks(count);
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            int w = weightsOffset + b * BYTES;
            int a = activationsOffset + b * Q8_0Format.BYTES;
            int qh = LittleEndian.getInt(weights, w + 2);
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int q = weights[w + 6 + j];
                int lo = (q & 0xF | ((qh >>> j) & 1) << 4) - 16;
                int hi = ((q >> 4) & 0xF | ((qh >>> (j + 16)) & 1) << 4) - 16;
                sumi += lo * activations[a + 2 + j] + hi * activations[a + 18 + j];
            }
            sum += sumi * (Half.read(weights, w) * Half.read(activations, a));
        }
        return sum;
    }
}
