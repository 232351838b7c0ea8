package io.wasmchord.quant;

/** IEEE half precision; activations for F16 weights are rounded to fp16 too, as llama.cpp does. */
final class F16Format extends AbstractBlockFormat {
    F16Format() {
        super(GgmlType.F16);
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        blocks(count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Half.read(src, srcOffset + 2 * i);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        blocks(count);
        for (int i = 0; i < count; i++) {
            Half.write(dst, dstOffset + 2 * i, src[srcOffset + i]);
        }
    }

    /** Each product of two fp16 values is exact in float; the sum is kept in double (as ggml's generic code). */
    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        blocks(count);
        double s0 = 0;
        double s1 = 0; // two chains: the adds do not wait on each other
        int i = 0;
        for (; i + 1 < count; i += 2) {
            int w = weightsOffset + 2 * i;
            int a = activationsOffset + 2 * i;
            s0 += Half.read(weights, w) * Half.read(activations, a);
            s1 += Half.read(weights, w + 2) * Half.read(activations, a + 2);
        }
        if (i < count) {
            s0 += Half.read(weights, weightsOffset + 2 * i) * Half.read(activations, activationsOffset + 2 * i);
        }
        return (float) (s0 + s1);
    }
}
