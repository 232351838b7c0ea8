package io.wasmchord.quant;

/**
 * Six-bit super-blocks of 256: {@code ql:u8[128], qh:u8[64], scales:i8[16], d:f16} (210 bytes). Sixteen
 * runs of 16 have signed 8-bit scales; value = d * scale * (q - 32). Value 128h + 32k + l (k = 0..3)
 * takes its low four bits from nibble k/2 of ql[64h + 32(k%2) + l] and its top two from bits 2k of
 * qh[32h + l].
 */
final class Q6_KFormat extends AbstractBlockFormat {
    private static final int BLOCK = 256;
    private static final int BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    Q6_KFormat() {
        super(GgmlType.Q6_K);
    }

    /** The 6-bit value (minus 32) at index v of the super-block at w. */
    private static int value(byte[] x, int w, int v) {
        int h = v >> 7;
        int k = (v >> 5) & 3;
        int l = v & 31;
        int low = (x[w + 64 * h + 32 * (k & 1) + l] >> (4 * (k >> 1))) & 0xF;
        int high = (x[w + QH + 32 * h + l] >> (2 * k)) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            int at = srcOffset + b * BYTES;
            float d = Half.read(src, at + D);
            int out = dstOffset + b * BLOCK;
            for (int run = 0; run < 16; run++) {
                float dl = d * src[at + SCALES + run];
                for (int v = 16 * run; v < 16 * run + 16; v++) {
                    dst[out + v] = dl * value(src, at, v);
                }
            }
        }
    }

    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        int blocks = blocks(count);
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            int w = weightsOffset + b * BYTES;
            int a = activationsOffset + b * Q8_KFormat.BYTES;
            int q8 = a + Q8_KFormat.QS;
            int isum = 0;
            for (int run = 0; run < 16; run++) {
                int runSum = 0;
                for (int v = 16 * run; v < 16 * run + 16; v++) {
                    runSum += activations[q8 + v] * value(weights, w, v);
                }
                isum += weights[w + SCALES + run] * runSum;
            }
            sum += Half.read(weights, w + D) * Q8_KFormat.scale(activations, a) * isum;
        }
        return sum;
    }
}
