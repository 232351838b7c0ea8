package io.wasmchord.quant;

/**
 * Blocks of 32 signed bytes sharing one fp16 scale: {@code d:f16, qs:i8[32]} (34 bytes). The vec-dot
 * type of Q4_0, Q5_0, Q8_0 and IQ4_NL weights. Its compute-path quantizer is the AVX one
 * ({@link Q8Format}), unlike {@link #quantizeReference}.
 */
public final class Q8_0Format extends Q8Format {
    private static final int BYTES = 34;

    Q8_0Format() {
        super(GgmlType.Q8_0, false);
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
}
