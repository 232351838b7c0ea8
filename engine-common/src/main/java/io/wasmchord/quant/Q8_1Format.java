package io.wasmchord.quant;

/**
 * Q8_0 plus the block's scaled sum: {@code d:f16, s:f16, qs:i8[32]} (36 bytes), s = fp16(d * sum(qs)).
 * The vec-dot type of Q4_1 and Q5_1, whose min term uses s.
 */
final class Q8_1Format extends AbstractBlockFormat {
    static final int BLOCK = 32;
    static final int BYTES = 36;

    Q8_1Format() {
        super(GgmlType.Q8_1);
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            int at = srcOffset + b * BYTES;
            float d = Half.read(src, at);
            int out = dstOffset + b * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
                dst[out + j] = src[at + 4 + j] * d;
            }
        }
    }

    /** As llama.cpp's x86 AVX code: scale 127/amax, round half to even, s from the unrounded d. */
    @Override
    public void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            int in = srcOffset + b * BLOCK;
            int at = dstOffset + b * BYTES;
            float amax = Q8_0Format.absMax(src, in, BLOCK);
            float d = amax / 127f;
            float inverse = amax != 0f ? 127f / amax : 0f;
            int sum = 0;
            for (int j = 0; j < BLOCK; j++) {
                byte q = Q8_0Format.saturateToByte(Rounding.halfEven(src[in + j] * inverse));
                dst[at + 4 + j] = q;
                sum += q;
            }
            Half.write(dst, at, d);
            Half.write(dst, at + 2, d * sum);
        }
    }

    /** Q8_1 against Q8_1 (llama.cpp has no such kernel; defined for completeness as the exact block sum). */
    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        int blocks = blocks(count);
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            int w = weightsOffset + b * BYTES;
            int a = activationsOffset + b * BYTES;
            int sumi = 0;
            for (int j = 4; j < BYTES; j++) {
                sumi += weights[w + j] * activations[a + j];
            }
            sum += sumi * (Half.read(weights, w) * Half.read(activations, a));
        }
        return sum;
    }
}
