package io.wasmchord.quant;

/**
 * Super-blocks of 256 opening {@code d:f16, dmin:f16, scales:u8[12]}: eight runs of 32 with 6-bit scales
 * and mins ({@link KScales}), value = d*scale*q - dmin*min, runs 2i and 2i + 1 in the low and high
 * nibbles of qs[32i .. 32i + 31]. Q4_K is exactly that; Q5_K adds a plane of fifth bits, value 32*run + l
 * having it in bit {@code run} of qh[l]. The plane is tested once per run, never per value.
 */
abstract class ScaleMinKFormat extends BlockwiseFormat {
    private static final int SCALES = 4;
    private final int qh; // offset of the fifth-bit plane, or -1 where there is none
    private final int qs;

    ScaleMinKFormat(GgmlType type, int qh, int qs) {
        super(type);
        this.qh = qh;
        this.qs = qs;
    }

    @Override
    protected final void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at);
        float dmin = Half.read(src, at + 2);
        for (int run = 0; run < 8; run++) {
            float dl = d * KScales.scale(src, at + SCALES, run);
            float ml = dmin * KScales.min(src, at + SCALES, run);
            int q = at + qs + 32 * (run >> 1);
            int shift = 4 * (run & 1);
            int to = out + 32 * run;
            if (qh < 0) {
                for (int l = 0; l < 32; l++) {
                    dst[to + l] = dl * ((src[q + l] >> shift) & 0xF) - ml;
                }
            } else {
                int h = at + qh;
                for (int l = 0; l < 32; l++) {
                    dst[to + l] = dl * (((src[q + l] >> shift) & 0xF) | ((src[h + l] >> run) & 1) << 4) - ml;
                }
            }
        }
    }

    @Override
    protected final float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int isum = 0;
        int minSum = 0;
        for (int run = 0; run < 8; run++) {
            int q = w + qs + 32 * (run >> 1);
            int shift = 4 * (run & 1);
            int y = a + Q8_KFormat.QS + 32 * run;
            int runSum = 0;
            if (qh < 0) {
                for (int l = 0; l < 32; l++) {
                    runSum += activations[y + l] * ((weights[q + l] >> shift) & 0xF);
                }
            } else {
                int h = w + qh;
                for (int l = 0; l < 32; l++) {
                    runSum += activations[y + l] * (((weights[q + l] >> shift) & 0xF) | ((weights[h + l] >> run) & 1) << 4);
                }
            }
            isum += KScales.scale(weights, w + SCALES, run) * runSum;
            minSum += KScales.min(weights, w + SCALES, run)
                    * (Q8_KFormat.blockSum(activations, a, 2 * run) + Q8_KFormat.blockSum(activations, a, 2 * run + 1));
        }
        float dy = Q8_KFormat.scale(activations, a);
        return Half.read(weights, w) * dy * isum - Half.read(weights, w + 2) * dy * minSum;
    }
}
