package io.wasmchord.quantize;

import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;

/**
 * Q4_1 and Q5_1: 32 values share an fp16 scale (max - min) / (2^bits - 1) and an fp16 minimum; each
 * value stores round((x - min) / d), the fifth bit of Q5_1 in qh.
 */
final class ScaleMinQuantizer implements BlockQuantizer {
    private final GgmlType type;
    private final int bits;

    ScaleMinQuantizer(GgmlType type) {
        this.type = type;
        this.bits = switch (type) {
            case Q4_1 -> 4;
            case Q5_1 -> 5;
            default -> throw new IllegalArgumentException(type.displayName + " is not Q4_1 or Q5_1");
        };
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public void quantize(float[] x, int xo, int n, byte[] y, int yo) {
        int levels = (1 << bits) - 1;
        int qsAt = bits == 5 ? 8 : 4;
        for (int b = 0; b < n / 32; b++, xo += 32, yo += type.typeSize) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < 32; j++) {
                float v = x[xo + j];
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            float d = (max - min) / levels;
            float id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.putHalf(y, yo, d);
            QuantMath.putHalf(y, yo + 2, min);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int xi0 = (int) ((x[xo + j] - min) * id + 0.5f);
                int xi1 = (int) ((x[xo + 16 + j] - min) * id + 0.5f);
                if (bits == 4) {
                    // Q4_1 clamps through int8_t then MIN(15, ...); Q5_1 casts to uint8_t unclamped.
                    xi0 = Math.min(15, (byte) xi0);
                    xi1 = Math.min(15, (byte) xi1);
                } else {
                    xi0 &= 0xFF;
                    xi1 &= 0xFF;
                }
                y[yo + qsAt + j] = (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
            }
            if (bits == 5) {
                LittleEndian.putInt(y, yo + 4, qh);
            }
        }
    }
}
