package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * Q3_K: super-blocks of 256 values in 16 groups of 16, symmetric; 6-bit group scales relative to an
 * fp16 d, values 3 bits (low 2 in qs, the high bit in hmask). Layout: hmask[32], qs[64], scales[12], d.
 */
final class Q3_KQuantizer implements BlockQuantizer {
    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public void quantize(float[] x, int xo, int n, byte[] y, int yo) {
        byte[] L = new byte[256];
        float[] scales = new float[16];
        for (int b = 0; b < n / 256; b++, xo += 256, yo += 110) {
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < 16; ++j) {
                scales[j] = QuantMath.makeQ3Quants(16, 4, x, xo + 16 * j, L, 16 * j, true);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            int sc0 = yo + 96;
            for (int j = 0; j < 12; j++) {
                y[sc0 + j] = 0;
            }
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < 16; ++j) {
                    int l = (byte) QuantMath.nearestInt(iscale * scales[j]); // C stores it in an int8_t first
                    l = Math.max(-32, Math.min(31, l)) + 32;
                    if (j < 8) {
                        y[sc0 + j] = (byte) (l & 0xF);
                    } else {
                        y[sc0 + j - 8] |= (byte) ((l & 0xF) << 4);
                    }
                    l >>= 4;
                    y[sc0 + j % 4 + 8] |= (byte) (l << (2 * (j / 4)));
                }
                QuantMath.putHalf(y, yo + 108, 1 / iscale);
            } else {
                QuantMath.putHalf(y, yo + 108, 0.f);
            }
            float dAll = QuantMath.getHalf(y, yo + 108);
            for (int j = 0; j < 16; ++j) {
                int sc = j < 8 ? y[sc0 + j] & 0xF : (y[sc0 + j - 8] & 0xFF) >> 4;
                sc = (byte) ((sc | ((((y[sc0 + 8 + j % 4] & 0xFF) >> (2 * (j / 4))) & 3) << 4)) - 32);
                float d = dAll * sc;
                if (d == 0) {
                    continue;
                }
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt(x[xo + 16 * j + ii] / d);
                    l = Math.max(-4, Math.min(3, l));
                    L[16 * j + ii] = (byte) (l + 4);
                }
            }
            for (int j = 0; j < 32; j++) {
                y[yo + j] = 0;
            }
            int m = 0;
            int hm = 1;
            for (int j = 0; j < 256; ++j) {
                if (L[j] > 3) {
                    y[yo + m] |= (byte) hm;
                    L[j] -= 4;
                }
                if (++m == 32) {
                    m = 0;
                    hm <<= 1;
                }
            }
            for (int j = 0; j < 256; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    y[yo + 32 + j / 4 + l] = (byte) (L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4)
                            | (L[j + l + 96] << 6));
                }
            }
        }
    }
}
