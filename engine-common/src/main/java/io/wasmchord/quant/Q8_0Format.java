package io.wasmchord.quant;

/**
 * Blocks of 32 signed bytes sharing one fp16 scale: {@code d:f16, qs:i8[32]} (34 bytes). The vec-dot
 * type of Q4_0, Q5_0, Q8_0 and IQ4_NL weights.
 */
public final class Q8_0Format extends AbstractBlockFormat {
    static final int BLOCK = 32;
    static final int BYTES = 34;

    Q8_0Format() {
        super(GgmlType.Q8_0);
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            int at = srcOffset + b * BYTES;
            float d = Half.read(src, at);
            int out = dstOffset + b * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
                dst[out + j] = src[at + 2 + j] * d;
            }
        }
    }

    /**
     * As llama.cpp's x86 CPU backend quantizes activations: scale 127/amax and round half to even
     * (its AVX code), unlike {@link #quantizeReference}.
     */
    @Override
    public void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            int in = srcOffset + b * BLOCK;
            int at = dstOffset + b * BYTES;
            float amax = absMax(src, in, BLOCK);
            Half.write(dst, at, amax / 127f);
            float inverse = amax != 0f ? 127f / amax : 0f;
            for (int j = 0; j < BLOCK; j++) {
                dst[at + 2 + j] = saturateToByte(Rounding.halfEven(src[in + j] * inverse));
            }
        }
    }

    /**
     * llama-quantize's Q8_0 (quantize_row_q8_0_ref): scale 1/(amax/127) and C roundf, half away from
     * zero. This is how Q8_0 weights in model files were made.
     */
    public static void quantizeReference(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        int blocks = wholeBlocks(GgmlType.Q8_0, count);
        for (int b = 0; b < blocks; b++) {
            int in = srcOffset + b * BLOCK;
            int at = dstOffset + b * BYTES;
            float d = absMax(src, in, BLOCK) / 127f;
            Half.write(dst, at, d);
            float inverse = d != 0f ? 1f / d : 0f;
            for (int j = 0; j < BLOCK; j++) {
                dst[at + 2 + j] = (byte) Rounding.halfAwayFromZero(src[in + j] * inverse);
            }
        }
    }

    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        int blocks = blocks(count);
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            int w = weightsOffset + b * BYTES;
            int a = activationsOffset + b * BYTES;
            int sumi = 0;
            for (int j = 2; j < BYTES; j++) {
                sumi += weights[w + j] * activations[a + j];
            }
            sum += sumi * (Half.read(weights, w) * Half.read(activations, a));
        }
        return sum;
    }

    static float absMax(float[] x, int from, int n) {
        float amax = 0f;
        for (int j = 0; j < n; j++) {
            amax = Math.max(amax, Math.abs(x[from + j]));
        }
        return amax;
    }

    static byte saturateToByte(int v) {
        return (byte) (v > 127 ? 127 : v < -128 ? -128 : v);
    }
}
