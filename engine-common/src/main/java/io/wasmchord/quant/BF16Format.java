package io.wasmchord.quant;

/** bfloat16 (the top half of a float32); activations for BF16 weights are rounded to bf16 too. */
final class BF16Format extends AbstractBlockFormat {
    BF16Format() {
        super(GgmlType.BF16);
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        blocks(count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Half.readBf16(src, srcOffset + 2 * i);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        blocks(count);
        for (int i = 0; i < count; i++) {
            Half.writeBf16(dst, dstOffset + 2 * i, src[srcOffset + i]);
        }
    }

    /** Each product of two bf16 values is exact in float; the sum is kept in double (as ggml's generic code). */
    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        blocks(count);
        double s0 = 0;
        double s1 = 0; // two chains: the adds do not wait on each other
        int i = 0;
        for (; i + 1 < count; i += 2) {
            int w = weightsOffset + 2 * i;
            int a = activationsOffset + 2 * i;
            s0 += Half.readBf16(weights, w) * Half.readBf16(activations, a);
            s1 += Half.readBf16(weights, w + 2) * Half.readBf16(activations, a + 2);
        }
        if (i < count) {
            s0 += Half.readBf16(weights, weightsOffset + 2 * i) * Half.readBf16(activations, activationsOffset + 2 * i);
        }
        return (float) (s0 + s1);
    }
}
