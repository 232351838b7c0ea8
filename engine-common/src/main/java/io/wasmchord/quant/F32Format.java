package io.wasmchord.quant;

import io.wasmchord.io.LittleEndian;

/** Plain little-endian float32. */
final class F32Format extends AbstractBlockFormat {
    F32Format() {
        super(GgmlType.F32);
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        blocks(count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = LittleEndian.getFloat(src, srcOffset + 4 * i);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        blocks(count);
        for (int i = 0; i < count; i++) {
            LittleEndian.putFloat(dst, dstOffset + 4 * i, src[srcOffset + i]);
        }
    }

    /** Products and sum in double: closer to llama.cpp's fused multiply-adds than a float sum would be. */
    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        blocks(count);
        double s0 = 0;
        double s1 = 0; // two chains: the adds do not wait on each other
        int i = 0;
        for (; i + 1 < count; i += 2) {
            int w = weightsOffset + 4 * i;
            int a = activationsOffset + 4 * i;
            s0 += (double) LittleEndian.getFloat(weights, w) * LittleEndian.getFloat(activations, a);
            s1 += (double) LittleEndian.getFloat(weights, w + 4) * LittleEndian.getFloat(activations, a + 4);
        }
        if (i < count) {
            s0 += (double) LittleEndian.getFloat(weights, weightsOffset + 4 * i)
                    * LittleEndian.getFloat(activations, activationsOffset + 4 * i);
        }
        return (float) (s0 + s1);
    }
}
