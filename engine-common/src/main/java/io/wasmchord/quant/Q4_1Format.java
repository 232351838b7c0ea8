package io.wasmchord.quant;

/**
 * Four-bit values with a scale and a minimum: {@code d:f16, m:f16, qs:u8[16]} (20 bytes),
 * value = d * nibble + m; byte j holds values j (low nibble) and j + 16. Activations are Q8_1.
 */
final class Q4_1Format extends AbstractBlockFormat {
    private static final int BLOCK = 32;
    private static final int BYTES = 20;

    Q4_1Format() {
        super(GgmlType.Q4_1);
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            int at = srcOffset + b * BYTES;
            float d = Half.read(src, at);
            float m = Half.read(src, at + 2);
            int out = dstOffset + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = src[at + 4 + j];
                dst[out + j] = (q & 0xF) * d + m;
                dst[out + j + 16] = ((q >> 4) & 0xF) * d + m;
            }
        }
    }

    /** sum(d*q + m) * (dy*qy) = d*dy*sum(q*qy) + m * s, with s the activation block's stored scaled sum. */
    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        int blocks = blocks(count);
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            int w = weightsOffset + b * BYTES;
            int a = activationsOffset + b * Q8_1Format.BYTES;
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int q = weights[w + 4 + j];
                sumi += (q & 0xF) * activations[a + 4 + j] + ((q >> 4) & 0xF) * activations[a + 20 + j];
            }
            sum += Half.read(weights, w) * Half.read(activations, a) * sumi
                    + Half.read(weights, w + 2) * Half.read(activations, a + 2);
        }
        return sum;
    }
}
