package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * Q6_K: super-blocks of 256 values in 16 groups of 16, symmetric; signed 8-bit group scales relative
 * to an fp16 d, values 6 bits (low 4 in ql, high 2 in qh). Layout: ql[128], qh[64], scales[16], d.
 */
final class Q6_KQuantizer implements BlockQuantizer {
    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public void quantize(float[] x, int xo, int n, byte[] y, int yo) {
        byte[] L = new byte[256];
        float[] scales = new float[16];
        for (int b = 0; b < n / 256; b++, xo += 256, yo += 210) {
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < 16; ++ib) {
                float scale = QuantMath.makeQxQuants(16, 32, x, xo + 16 * ib, L, 16 * ib, 1);
                scales[ib] = scale;
                float absScale = Math.abs(scale);
                if (absScale > maxAbsScale) {
                    maxAbsScale = absScale;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < QuantMath.GROUP_MAX_EPS) {
                for (int j = 0; j < 210; j++) {
                    y[yo + j] = 0;
                }
                QuantMath.putHalf(y, yo + 208, 0.f);
                continue;
            }
            float iscale = -128.f / maxScale;
            QuantMath.putHalf(y, yo + 208, 1 / iscale);
            for (int ib = 0; ib < 16; ++ib) {
                y[yo + 192 + ib] = (byte) Math.min(127, QuantMath.nearestInt(iscale * scales[ib]));
            }
            float dAll = QuantMath.getHalf(y, yo + 208);
            for (int j = 0; j < 16; ++j) {
                float d = dAll * y[yo + 192 + j];
                if (d == 0) {
                    continue;
                }
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt(x[xo + 16 * j + ii] / d);
                    l = Math.max(-32, Math.min(31, l));
                    L[16 * j + ii] = (byte) (l + 32);
                }
            }
            int ql = yo;
            int qh = yo + 128;
            for (int j = 0; j < 256; j += 128, ql += 64, qh += 32) {
                for (int l = 0; l < 32; ++l) {
                    int q1 = L[j + l] & 0xF;
                    int q2 = L[j + l + 32] & 0xF;
                    int q3 = L[j + l + 64] & 0xF;
                    int q4 = L[j + l + 96] & 0xF;
                    y[ql + l] = (byte) (q1 | (q3 << 4));
                    y[ql + l + 32] = (byte) (q2 | (q4 << 4));
                    y[qh + l] = (byte) ((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4)
                            | ((L[j + l + 96] >> 4) << 6));
                }
            }
        }
    }
}
