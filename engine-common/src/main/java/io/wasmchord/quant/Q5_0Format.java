package io.wasmchord.quant;

import io.wasmchord.io.LittleEndian;

/**
 * Five-bit symmetric values: {@code d:f16, qh:u32, qs:u8[16]} (22 bytes). Value j takes its low four
 * bits from nibble j of qs (as Q4_0) and its fifth from bit j of qh; value = d * (q - 16). Activations
 * are Q8_0.
 */
final class Q5_0Format extends BlockwiseFormat {
    Q5_0Format() {
        super(GgmlType.Q5_0);
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at);
        int qh = LittleEndian.getInt(src, at + 2);
        for (int j = 0; j < 16; j++) {
            int q = src[at + 6 + j];
            dst[out + j] = ((q & 0xF | ((qh >>> j) & 1) << 4) - 16) * d;
            dst[out + j + 16] = (((q >> 4) & 0xF | ((qh >>> (j + 16)) & 1) << 4) - 16) * d;
        }
    }

    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int qh = LittleEndian.getInt(weights, w + 2);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            int q = weights[w + 6 + j];
            int lo = (q & 0xF | ((qh >>> j) & 1) << 4) - 16;
            int hi = ((q >> 4) & 0xF | ((qh >>> (j + 16)) & 1) << 4) - 16;
            sumi += lo * activations[a + 2 + j] + hi * activations[a + 18 + j];
        }
        return sumi * (Half.read(weights, w) * Half.read(activations, a));
    }
}
