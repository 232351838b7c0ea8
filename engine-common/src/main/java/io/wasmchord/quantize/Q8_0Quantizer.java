package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/** Q8_0: per 32 values an fp16 scale amax/127 and 32 signed bytes rounded half away from zero. */
final class Q8_0Quantizer implements BlockQuantizer {
    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void quantize(float[] x, int xo, int n, byte[] y, int yo) {
        for (int b = 0; b < n / 32; b++, xo += 32, yo += 34) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[xo + j]));
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            QuantMath.putHalf(y, yo, d);
            for (int j = 0; j < 32; j++) {
                y[yo + 2 + j] = (byte) QuantMath.roundAway(x[xo + j] * id);
            }
        }
    }
}
