package io.wasmchord.quant;

import io.wasmchord.io.LittleEndian;

/**
 * Five-bit values with a scale and a minimum: {@code d:f16, m:f16, qh:u32, qs:u8[16]} (24 bytes),
 * value = d * q + m, bits laid out as in Q5_0. Activations are Q8_1.
 */
final class Q5_1Format extends BlockwiseFormat {
    Q5_1Format() {
        super(GgmlType.Q5_1);
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at);
        float m = Half.read(src, at + 2);
        int qh = LittleEndian.getInt(src, at + 4);
        for (int j = 0; j < 16; j++) {
            int q = src[at + 8 + j];
            dst[out + j] = (q & 0xF | ((qh >>> j) & 1) << 4) * d + m;
            dst[out + j + 16] = ((q >> 4) & 0xF | ((qh >>> (j + 16)) & 1) << 4) * d + m;
        }
    }

    /** As Q4_1: the min term uses the activation block's stored scaled sum. */
    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int qh = LittleEndian.getInt(weights, w + 4);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            int q = weights[w + 8 + j];
            int lo = q & 0xF | ((qh >>> j) & 1) << 4;
            int hi = (q >> 4) & 0xF | ((qh >>> (j + 16)) & 1) << 4;
            sumi += lo * activations[a + 4 + j] + hi * activations[a + 20 + j];
        }
        return Half.read(weights, w) * Half.read(activations, a) * sumi
                + Half.read(weights, w + 2) * Half.read(activations, a + 2);
    }
}
