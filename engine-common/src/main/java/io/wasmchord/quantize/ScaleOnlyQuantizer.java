package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * Q4_0 and Q5_0: 32 values share one fp16 scale d = max / -2^(bits-1) (max = the value of largest
 * magnitude, sign kept); each value stores round(x/d) + 2^(bits-1), the fifth bit of Q5_0 in qh.
 */
final class ScaleOnlyQuantizer implements BlockQuantizer {
    private final GgmlType type;
    private final int bits;

    ScaleOnlyQuantizer(GgmlType type) {
        this.type = type;
        this.bits = switch (type) {
            case Q4_0 -> 4;
            case Q5_0 -> 5;
            default -> throw new IllegalArgumentException(type.displayName + " is not Q4_0 or Q5_0");
        };
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public void quantize(float[] x, int xo, int n, byte[] y, int yo) {
        int half = 1 << (bits - 1);
        int top = (1 << bits) - 1;
        float offset = half + 0.5f;
        int qsAt = bits == 5 ? 6 : 2;
        for (int b = 0; b < n / 32; b++, xo += 32, yo += type.typeSize) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[xo + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -half;
            float id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.putHalf(y, yo, d);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                // C truncates toward zero through int8_t; the values here are >= 0.
                int xi0 = Math.min(top, (byte) (int) (x[xo + j] * id + offset));
                int xi1 = Math.min(top, (byte) (int) (x[xo + 16 + j] * id + offset));
                y[yo + qsAt + j] = (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
            }
            if (bits == 5) {
                io.wasmchord.io.LittleEndian.putInt(y, yo + 2, qh);
            }
        }
    }
}
