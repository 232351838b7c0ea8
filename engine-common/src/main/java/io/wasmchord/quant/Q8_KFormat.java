package io.wasmchord.quant;

import io.wasmchord.io.LittleEndian;

/**
 * Super-blocks of 256 signed bytes with a float32 scale and the sums of each run of 16:
 * {@code d:f32, qs:i8[256], bsums:i16[16]} (292 bytes). The vec-dot type of the K-quants and IQ4_XS;
 * the sums let formats with minimums subtract them without touching the quants.
 */
final class Q8_KFormat extends BlockwiseFormat {
    static final int BLOCK = 256;
    static final int BYTES = 292;
    static final int QS = 4;
    static final int BSUMS = 260;

    Q8_KFormat() {
        super(GgmlType.Q8_K);
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = LittleEndian.getFloat(src, at);
        for (int j = 0; j < BLOCK; j++) {
            dst[out + j] = d * src[at + QS + j];
        }
    }

    /**
     * quantize_row_q8_K_ref, which x86 uses too: scale -127/x where x is the value of largest magnitude
     * (so that value becomes -127), ggml's nearest_int (half to even), d = 1/scale.
     */
    @Override
    protected void quantizeBlock(float[] src, int in, byte[] dst, int at) {
        float max = 0;
        float amax = 0;
        for (int j = 0; j < BLOCK; j++) {
            float ax = Math.abs(src[in + j]);
            if (ax > amax) {
                amax = ax;
                max = src[in + j];
            }
        }
        if (amax == 0f) {
            for (int j = 0; j < BYTES; j++) {
                dst[at + j] = 0;
            }
            return;
        }
        float iscale = -127f / max;
        for (int g = 0; g < BLOCK / 16; g++) {
            int sum = 0;
            for (int l = 0; l < 16; l++) {
                int q = Math.min(127, Rounding.halfEven(iscale * src[in + 16 * g + l]));
                dst[at + QS + 16 * g + l] = (byte) q;
                sum += q;
            }
            LittleEndian.putShort(dst, at + BSUMS + 2 * g, sum);
        }
        LittleEndian.putFloat(dst, at, 1 / iscale);
    }

    /** Q8_K against Q8_K (llama.cpp has no such kernel; defined for completeness as the exact block sum). */
    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int sumi = 0;
        for (int j = QS; j < QS + BLOCK; j++) {
            sumi += weights[w + j] * activations[a + j];
        }
        return LittleEndian.getFloat(weights, w) * LittleEndian.getFloat(activations, a) * sumi;
    }

    /** The activation super-block's scale. */
    static float scale(byte[] act, int at) {
        return LittleEndian.getFloat(act, at);
    }

    /** Sum of the activation quants in run g (0..15) of 16. */
    static int blockSum(byte[] act, int at, int g) {
        return LittleEndian.getShort(act, at + BSUMS + 2 * g);
    }
}
