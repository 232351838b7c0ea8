package io.wasmchord.quant;

/**
 * Three-bit super-blocks of 256: {@code hmask:u8[32], qs:u8[64], scales:u8[12], d:f16} (110 bytes).
 * Sixteen runs of 16 have signed 6-bit scales; value = d * scale * (low2 - (high bit set ? 0 : 4)).
 * Value 128h + 32k + l takes its low two bits from bits 2k of qs[32h + l] and its high bit from bit
 * 4h + k of hmask[l].
 */
final class Q3_KFormat extends BlockwiseFormat {
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    Q3_KFormat() {
        super(GgmlType.Q3_K);
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at + D);
        for (int run = 0; run < 16; run++) {
            float dl = d * KScales.q3Scale(src, at + SCALES, run);
            int l0 = 16 * (run & 1);
            int q = at + QS + 32 * (run >> 3);
            int shift = 2 * ((run >> 1) & 3);
            int highBit = 1 << (run >> 1);
            for (int l = l0; l < l0 + 16; l++) {
                int v = ((src[q + l] >> shift) & 3) - ((src[at + l] & highBit) != 0 ? 0 : 4);
                dst[out + 16 * run + l - l0] = dl * v;
            }
        }
    }

    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int q8 = a + Q8_KFormat.QS;
        int isum = 0;
        for (int run = 0; run < 16; run++) {
            int l0 = 16 * (run & 1);
            int q = w + QS + 32 * (run >> 3);
            int shift = 2 * ((run >> 1) & 3);
            int highBit = 1 << (run >> 1);
            int runSum = 0;
            for (int l = l0; l < l0 + 16; l++) {
                int v = ((weights[q + l] >> shift) & 3) - ((weights[w + l] & highBit) != 0 ? 0 : 4);
                runSum += activations[q8 + 16 * run + l - l0] * v;
            }
            isum += KScales.q3Scale(weights, w + SCALES, run) * runSum;
        }
        return Half.read(weights, w + D) * Q8_KFormat.scale(activations, a) * isum;
    }
}
