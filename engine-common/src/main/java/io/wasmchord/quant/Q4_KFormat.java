package io.wasmchord.quant;

/**
 * Four-bit super-blocks of 256: {@code d:f16, dmin:f16, scales:u8[12], qs:u8[128]} (144 bytes). Eight
 * runs of 32 have 6-bit scales and mins ({@link KScales}); value = d*scale*q - dmin*min. Runs 2i and
 * 2i + 1 are the low and high nibbles of qs[32i .. 32i + 31].
 */
final class Q4_KFormat extends BlockwiseFormat {
    private static final int SCALES = 4;
    private static final int QS = 16;

    Q4_KFormat() {
        super(GgmlType.Q4_K);
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at);
        float dmin = Half.read(src, at + 2);
        for (int run = 0; run < 8; run++) {
            float dl = d * KScales.scale(src, at + SCALES, run);
            float ml = dmin * KScales.min(src, at + SCALES, run);
            int q = at + QS + 32 * (run >> 1);
            int shift = 4 * (run & 1);
            for (int l = 0; l < 32; l++) {
                dst[out + 32 * run + l] = dl * ((src[q + l] >> shift) & 0xF) - ml;
            }
        }
    }

    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int q8 = a + Q8_KFormat.QS;
        int isum = 0;
        int minSum = 0;
        for (int run = 0; run < 8; run++) {
            int q = w + QS + 32 * (run >> 1);
            int shift = 4 * (run & 1);
            int runSum = 0;
            for (int l = 0; l < 32; l++) {
                runSum += activations[q8 + 32 * run + l] * ((weights[q + l] >> shift) & 0xF);
            }
            isum += KScales.scale(weights, w + SCALES, run) * runSum;
            minSum += KScales.min(weights, w + SCALES, run)
                    * (Q8_KFormat.blockSum(activations, a, 2 * run) + Q8_KFormat.blockSum(activations, a, 2 * run + 1));
        }
        float dy = Q8_KFormat.scale(activations, a);
        return Half.read(weights, w) * dy * isum - Half.read(weights, w + 2) * dy * minSum;
    }
}
