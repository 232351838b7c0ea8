package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * Q2_K: super-blocks of 256 values in 16 groups of 16; each group gets a 4-bit scale and a 4-bit min
 * (relative to fp16 d and dmin), each value 2 bits. Layout: scales[16], qs[64], d, dmin.
 */
final class Q2_KQuantizer implements BlockQuantizer {
    private static final float Q4SCALE = 15.f;

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public void quantize(float[] x, int xo, int n, byte[] y, int yo) {
        byte[] L = new byte[256];
        byte[] laux = new byte[16];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        for (int b = 0; b < n / 256; b++, xo += 256, yo += 84) {
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 16; ++j) {
                for (int l = 0; l < 16; ++l) {
                    weights[l] = Math.abs(x[xo + 16 * j + l]);
                }
                scales[j] = QuantMath.makeQkx2Quants(16, 3, x, xo + 16 * j, weights, L, 16 * j, mins, j, laux,
                        -0.5f, 0.1f, 15, true);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            if (maxScale > 0) {
                float iscale = Q4SCALE / maxScale;
                for (int j = 0; j < 16; ++j) {
                    y[yo + j] = (byte) QuantMath.nearestInt(iscale * scales[j]);
                }
                QuantMath.putHalf(y, yo + 80, maxScale / Q4SCALE);
            } else {
                for (int j = 0; j < 16; ++j) {
                    y[yo + j] = 0;
                }
                QuantMath.putHalf(y, yo + 80, 0.f);
            }
            if (maxMin > 0) {
                float iscale = Q4SCALE / maxMin;
                for (int j = 0; j < 16; ++j) {
                    int l = QuantMath.nearestInt(iscale * mins[j]);
                    y[yo + j] |= (byte) (l << 4);
                }
                QuantMath.putHalf(y, yo + 82, maxMin / Q4SCALE);
            } else {
                QuantMath.putHalf(y, yo + 82, 0.f);
            }
            float dAll = QuantMath.getHalf(y, yo + 80);
            float dminAll = QuantMath.getHalf(y, yo + 82);
            for (int j = 0; j < 16; ++j) {
                int sc = y[yo + j] & 0xFF;
                float d = dAll * (sc & 0xF);
                if (d == 0) {
                    continue;
                }
                float dm = dminAll * (sc >> 4);
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt((x[xo + 16 * j + ii] + dm) / d);
                    L[16 * j + ii] = (byte) Math.max(0, Math.min(3, l));
                }
            }
            for (int j = 0; j < 256; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    y[yo + 16 + j / 4 + l] = (byte) (L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4)
                            | (L[j + l + 96] << 6));
                }
            }
        }
    }
}
