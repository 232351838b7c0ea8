package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * Q4_K and Q5_K: super-blocks of 256 values in 8 groups of 32, each with a 6-bit scale and 6-bit min
 * (relative to fp16 d and dmin) packed in 12 bytes; values 4 bits (Q5_K: plus a high bit in qh).
 * Layout: d, dmin, scales[12], [qh[32]], qs[128].
 */
final class ScaleMinKQuantizer implements BlockQuantizer {
    private final GgmlType type;
    private final int nmax;
    private final float rmin;
    private final int nstep;

    ScaleMinKQuantizer(GgmlType type) {
        this.type = type;
        switch (type) {
            case Q4_K -> {
                nmax = 15;
                rmin = -1.f;
                nstep = 20;
            }
            case Q5_K -> {
                nmax = 31;
                rmin = -0.5f;
                nstep = 15;
            }
            default -> throw new IllegalArgumentException(type.displayName + " is not Q4_K or Q5_K");
        }
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public void quantize(float[] x, int xo, int n, byte[] y, int yo) {
        byte[] L = new byte[256];
        byte[] laux = new byte[32];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        for (int b = 0; b < n / 256; b++, xo += 256, yo += type.typeSize) {
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; ++j) {
                int g = xo + 32 * j;
                float sumX2 = 0;
                for (int l = 0; l < 32; ++l) {
                    sumX2 += x[g + l] * x[g + l];
                }
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; ++l) {
                    weights[l] = avX + Math.abs(x[g + l]);
                }
                scales[j] = QuantMath.makeQkx2Quants(32, nmax, x, g, weights, L, 32 * j, mins, j, laux,
                        rmin, 0.1f, nstep, false);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
            float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
            int s0 = yo + 4;
            for (int j = 0; j < 12; j++) {
                y[s0 + j] = 0;
            }
            for (int j = 0; j < 8; ++j) {
                // C stores these in uint8_t before clamping to 63.
                int ls = Math.min(63, QuantMath.nearestInt(invScale * scales[j]) & 0xFF);
                int lm = Math.min(63, QuantMath.nearestInt(invMin * mins[j]) & 0xFF);
                if (j < 4) {
                    y[s0 + j] = (byte) ls;
                    y[s0 + j + 4] = (byte) lm;
                } else {
                    y[s0 + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                    y[s0 + j - 4] |= (byte) ((ls >> 4) << 6);
                    y[s0 + j] |= (byte) ((lm >> 4) << 6);
                }
            }
            QuantMath.putHalf(y, yo, maxScale / 63.f);
            QuantMath.putHalf(y, yo + 2, maxMin / 63.f);
            float dAll = QuantMath.getHalf(y, yo);
            float dminAll = QuantMath.getHalf(y, yo + 2);
            for (int j = 0; j < 8; ++j) {
                int sc = scaleK4(y, s0, j);
                int m = minK4(y, s0, j);
                float d = dAll * sc;
                if (d == 0) {
                    continue;
                }
                float dm = dminAll * m;
                for (int ii = 0; ii < 32; ++ii) {
                    int l = QuantMath.nearestInt((x[xo + 32 * j + ii] + dm) / d);
                    L[32 * j + ii] = (byte) Math.max(0, Math.min(nmax, l));
                }
            }
            if (type == GgmlType.Q4_K) {
                int q = yo + 16;
                for (int j = 0; j < 256; j += 64, q += 32) {
                    for (int l = 0; l < 32; ++l) {
                        y[q + l] = (byte) (L[j + l] | (L[j + l + 32] << 4));
                    }
                }
            } else {
                packQ5(L, y, yo);
            }
        }
    }

    private static void packQ5(byte[] L, byte[] y, int yo) {
        int qh = yo + 16;
        int ql = yo + 48;
        for (int j = 0; j < 32; j++) {
            y[qh + j] = 0;
        }
        int m1 = 1;
        int m2 = 2;
        for (int n = 0; n < 256; n += 64, ql += 32) {
            for (int j = 0; j < 32; ++j) {
                int l1 = L[n + j];
                if (l1 > 15) {
                    l1 -= 16;
                    y[qh + j] |= (byte) m1;
                }
                int l2 = L[n + j + 32];
                if (l2 > 15) {
                    l2 -= 16;
                    y[qh + j] |= (byte) m2;
                }
                y[ql + j] = (byte) (l1 | (l2 << 4));
            }
            m1 <<= 2;
            m2 <<= 2;
        }
    }

    /** The 6-bit scale of group j in the 12-byte K-quant scale field (ggml get_scale_min_k4). */
    static int scaleK4(byte[] q, int at, int j) {
        return j < 4 ? q[at + j] & 63 : (q[at + j + 4] & 0xF) | (((q[at + j - 4] & 0xFF) >> 6) << 4);
    }

    static int minK4(byte[] q, int at, int j) {
        return j < 4 ? q[at + j + 4] & 63 : ((q[at + j + 4] & 0xFF) >> 4) | (((q[at + j] & 0xFF) >> 6) << 4);
    }
}
