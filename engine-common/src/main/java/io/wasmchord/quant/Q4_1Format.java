package io.wasmchord.quant;

/**
 * Four-bit values with a scale and a minimum: {@code d:f16, m:f16, qs:u8[16]} (20 bytes),
 * value = d * nibble + m; byte j holds values j (low nibble) and j + 16. Activations are Q8_1.
 */
final class Q4_1Format extends BlockwiseFormat {
    Q4_1Format() {
        super(GgmlType.Q4_1);
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at);
        float m = Half.read(src, at + 2);
        for (int j = 0; j < 16; j++) {
            int q = src[at + 4 + j];
            dst[out + j] = (q & 0xF) * d + m;
            dst[out + j + 16] = ((q >> 4) & 0xF) * d + m;
        }
    }

    /** sum(d*q + m) * (dy*qy) = d*dy*sum(q*qy) + m * s, with s the activation block's stored scaled sum. */
    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            int q = weights[w + 4 + j];
            sumi += (q & 0xF) * activations[a + 4 + j] + ((q >> 4) & 0xF) * activations[a + 20 + j];
        }
        return Half.read(weights, w) * Half.read(activations, a) * sumi
                + Half.read(weights, w + 2) * Half.read(activations, a + 2);
    }
}
