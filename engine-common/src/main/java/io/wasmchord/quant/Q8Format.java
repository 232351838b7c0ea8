package io.wasmchord.quant;

/**
 * Blocks of 32 signed bytes behind an fp16 scale d: Q8_0 ({@code d:f16, qs:i8[32]}) and Q8_1, which
 * stores fp16(d * sum(qs)) between d and qs. Both encode activations as llama.cpp's x86 AVX code does:
 * scale 127/amax, round half to even, the sum taken from the unrounded d.
 */
abstract class Q8Format extends BlockwiseFormat {
    static final int BLOCK = 32;
    private final boolean storesSum;
    private final int qs;

    Q8Format(GgmlType type, boolean storesSum) {
        super(type);
        this.storesSum = storesSum;
        this.qs = storesSum ? 4 : 2;
    }

    @Override
    protected final void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at);
        int q = at + qs;
        for (int j = 0; j < BLOCK; j++) {
            dst[out + j] = src[q + j] * d;
        }
    }

    @Override
    protected final void quantizeBlock(float[] src, int in, byte[] dst, int at) {
        float amax = absMax(src, in, BLOCK);
        float d = amax / 127f;
        float inverse = amax != 0f ? 127f / amax : 0f;
        int q = at + qs;
        int sum = 0;
        for (int j = 0; j < BLOCK; j++) {
            byte v = saturateToByte(Rounding.halfEven(src[in + j] * inverse));
            dst[q + j] = v;
            sum += v;
        }
        Half.write(dst, at, d);
        if (storesSum) {
            Half.write(dst, at + 2, d * sum);
        }
    }

    /** Against its own type (for Q8_1 llama.cpp has no such kernel: defined as the exact block sum). */
    @Override
    protected final float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int wq = w + qs;
        int aq = a + qs;
        int sumi = 0;
        for (int j = 0; j < BLOCK; j++) {
            sumi += weights[wq + j] * activations[aq + j];
        }
        return sumi * (Half.read(weights, w) * Half.read(activations, a));
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
