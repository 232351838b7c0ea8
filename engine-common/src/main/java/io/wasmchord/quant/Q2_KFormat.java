package io.wasmchord.quant;

/**
 * Two-bit super-blocks of 256: {@code scales:u8[16], qs:u8[64], d:f16, dmin:f16} (84 bytes). Each run of
 * 16 values has a 4-bit scale (low nibble) and 4-bit min (high nibble); value = d*scale*q - dmin*min.
 * Values 128h + 32k + l (h = 0..1, k = 0..3, l = 0..31) sit in bits 2k of qs[32h + l].
 */
final class Q2_KFormat extends BlockwiseFormat {
    private static final int QS = 16;
    private static final int D = 80;

    Q2_KFormat() {
        super(GgmlType.Q2_K);
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at + D);
        float dmin = Half.read(src, at + D + 2);
        for (int run = 0; run < 16; run++) { // run = value index / 16
            int sc = src[at + run] & 0xFF;
            float dl = d * (sc & 0xF);
            float ml = dmin * (sc >> 4);
            int q = at + QS + 32 * (run >> 3) + 16 * (run & 1);
            int shift = 2 * ((run >> 1) & 3);
            for (int l = 0; l < 16; l++) {
                dst[out + 16 * run + l] = dl * ((src[q + l] >> shift) & 3) - ml;
            }
        }
    }

    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int q8 = a + Q8_KFormat.QS;
        int isum = 0;
        int minSum = 0;
        for (int run = 0; run < 16; run++) {
            int sc = weights[w + run] & 0xFF;
            minSum += Q8_KFormat.blockSum(activations, a, run) * (sc >> 4);
            int q = w + QS + 32 * (run >> 3) + 16 * (run & 1);
            int shift = 2 * ((run >> 1) & 3);
            int runSum = 0;
            for (int l = 0; l < 16; l++) {
                runSum += activations[q8 + 16 * run + l] * ((weights[q + l] >> shift) & 3);
            }
            isum += (sc & 0xF) * runSum;
        }
        float dy = Q8_KFormat.scale(activations, a);
        return dy * Half.read(weights, w + D) * isum - dy * Half.read(weights, w + D + 2) * minSum;
    }
}
