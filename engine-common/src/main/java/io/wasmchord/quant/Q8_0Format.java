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
     * The row loop fused with the block's: a Q8_0 block is 32 multiply-adds, so a call per block cost
     * the Wasm scalar path about 5% of its decode speed (node-decode.mjs, s110-q8). Same sums, same order.
     */
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
