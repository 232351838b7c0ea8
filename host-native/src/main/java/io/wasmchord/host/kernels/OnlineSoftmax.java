package io.wasmchord.host.kernels;

/**
 * The online-softmax steps both attention jobs share ({@link VectorAttention} for prompts,
 * {@link DecodeAttention} for single tokens), with the numerics of the reference flash attention:
 * the query rounded to fp16, and the V accumulator rounded to fp16 after every position. The fp16
 * round trips are plain loops over {@link Float#floatToFloat16}/{@link Float#float16ToFloat}, which C2
 * compiles to F16C instructions (the Vector API has no fp16 conversion). Array-in, array-out only.
 */
final class OnlineSoftmax {
    /**
     * The least argument given to the vector exponential. The vector exponential leaves its fast path
     * for a vector with any lane whose result is subnormal (arguments from about -104 to -87): 222 ns per
     * vector instead of 7 (measured alone); a peaked head meets such scores often. Raising arguments to
     * -80 changes nothing that is kept: the weight exp(-80) = 1.8e-35 of a value (at most 65504 in fp16)
     * adds less than half of fp16's smallest subnormal to the accumulator, and nothing to a sum that
     * already holds a 1 (every sum does once its first position is in); as a multiplier it rounds the
     * accumulator to zero as the exact one does (the first position's, against no maximum yet, multiplies
     * an accumulator of zeros and a sum of 0).
     */
    static final float EXP_FLOOR = -80f;

    private OnlineSoftmax() {
    }

    /** An accumulator scaled for a raised maximum, rounded to fp16. */
    static void rescale(float[] acc, int a, int hd, float ms) {
        for (int d = 0; d < hd; d++) {
            acc[a + d] = Float.float16ToFloat(Float.floatToFloat16(acc[a + d] * ms));
        }
    }

    /** {@code n} floats from {@code src} rounded to their nearest fp16 values into {@code dst}. */
    static void roundToHalf(float[] src, int from, float[] dst, int at, int n) {
        for (int d = 0; d < n; d++) {
            dst[at + d] = Float.float16ToFloat(Float.floatToFloat16(src[from + d]));
        }
    }
}
