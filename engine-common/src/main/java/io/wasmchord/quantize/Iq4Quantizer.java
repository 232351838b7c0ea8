package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * IQ4_NL and IQ4_XS: 4-bit indices into a fixed non-linear table of 16 levels, with a scale search
 * around the largest magnitude. IQ4_NL has one fp16 scale per 32 values; IQ4_XS a super-block of 256
 * with an fp16 d and 6-bit scales per 32 (low 4 bits in scales_l, high 2 in scales_h).
 * Layouts: IQ4_NL d, qs[16]; IQ4_XS d, scales_h (u16), scales_l[4], qs[128].
 */
final class Iq4Quantizer implements BlockQuantizer {
    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    private static final int NTRY = 7;

    private final GgmlType type;
    private final int superBlock;

    Iq4Quantizer(GgmlType type) {
        this.type = type;
        this.superBlock = switch (type) {
            case IQ4_NL -> 32;
            case IQ4_XS -> 256;
            default -> throw new IllegalArgumentException(type.displayName + " is not IQ4_NL or IQ4_XS");
        };
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public void quantize(float[] x, int xo, int n, byte[] y, int yo) {
        byte[] L = new byte[superBlock];
        float[] weight = new float[32];
        float[] scales = new float[superBlock / 32];
        for (int b = 0; b < n / superBlock; b++, xo += superBlock, yo += type.typeSize) {
            quantizeSuperBlock(x, xo, y, yo, L, weight, scales);
        }
    }

    private void quantizeSuperBlock(float[] x, int xo, byte[] y, int yo, byte[] L, float[] weight, float[] scales) {
        int nb = superBlock / 32;
        int qs = nb > 1 ? yo + 8 : yo + 2;
        for (int j = 0; j < superBlock / 2; j++) {
            y[qs + j] = 0;
        }
        QuantMath.putHalf(y, yo, 0.f);
        float maxScale = 0;
        float amaxScale = 0;
        for (int ib = 0; ib < nb; ++ib) {
            int xb = xo + ib * 32;
            for (int j = 0; j < 32; ++j) {
                weight[j] = x[xb + j] * x[xb + j];
            }
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; ++j) {
                float ax = Math.abs(x[xb + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[xb + j];
                }
            }
            if (amax < QuantMath.GROUP_MAX_EPS) {
                scales[ib] = 0;
                continue;
            }
            float d = -max / VALUES[0];
            float id = 1 / d;
            float sumqx = 0;
            float sumq2 = 0;
            for (int j = 0; j < 32; ++j) {
                float al = id * x[xb + j];
                int l = QuantMath.bestIndexInt8(16, VALUES, al);
                L[ib * 32 + j] = (byte) l;
                float q = VALUES[l];
                float w = weight[j];
                sumqx += w * q * x[xb + j];
                sumq2 += w * q * q;
            }
            d = sumq2 > 0 ? sumqx / sumq2 : 0.f;
            float best = d * sumqx;
            for (int itry = -NTRY; itry <= NTRY; ++itry) {
                id = (itry + VALUES[0]) / max;
                sumqx = 0;
                sumq2 = 0;
                for (int j = 0; j < 32; ++j) {
                    float al = id * x[xb + j];
                    int l = QuantMath.bestIndexInt8(16, VALUES, al);
                    float q = VALUES[l];
                    float w = weight[j];
                    sumqx += w * q * x[xb + j];
                    sumq2 += w * q * q;
                }
                if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                    d = sumqx / sumq2;
                    best = d * sumqx;
                }
            }
            scales[ib] = d;
            float absD = Math.abs(d);
            if (absD > amaxScale) {
                amaxScale = absD;
                maxScale = d;
            }
        }
        if (nb > 1) {
            int scalesH = 0;
            int scalesL = yo + 4;
            float d = -maxScale / 32;
            QuantMath.putHalf(y, yo, d);
            float id = d != 0 ? 1 / d : 0.f;
            for (int ib = 0; ib < nb; ++ib) {
                int l = QuantMath.nearestInt(id * scales[ib]);
                l = Math.max(-32, Math.min(31, l));
                float dl = d * l;
                float idl = dl != 0 ? 1 / dl : 0.f;
                int xb = xo + ib * 32;
                for (int j = 0; j < 32; ++j) {
                    L[ib * 32 + j] = (byte) QuantMath.bestIndexInt8(16, VALUES, idl * x[xb + j]);
                }
                l += 32;
                int lLow = l & 0xf;
                int lHigh = l >> 4;
                if (ib % 2 == 0) {
                    y[scalesL + ib / 2] = (byte) lLow;
                } else {
                    y[scalesL + ib / 2] |= (byte) (lLow << 4);
                }
                scalesH |= lHigh << (2 * (ib % 8));
            }
            y[yo + 2] = (byte) scalesH;
            y[yo + 3] = (byte) (scalesH >> 8);
        } else {
            QuantMath.putHalf(y, yo, scales[0]);
            float id = scales[0] != 0 ? 1 / scales[0] : 0;
            for (int j = 0; j < superBlock; ++j) {
                L[j] = (byte) QuantMath.bestIndexInt8(16, VALUES, id * x[xo + j]);
            }
        }
        for (int i = 0; i < superBlock / 32; ++i) {
            for (int j = 0; j < 16; ++j) {
                y[qs + 16 * i + j] = (byte) (L[32 * i + j] | (L[32 * i + 16 + j] << 4));
            }
        }
    }
}
