package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The online-softmax steps both attention jobs share ({@link VectorAttention} for prompts,
 * {@link DecodeAttention} for single tokens), with the numerics of the reference flash attention:
 * the query rounded to fp16, and the V accumulator rounded to fp16 after every position. The fp16
 * round trips are plain loops over {@link Float#floatToFloat16}/{@link Float#float16ToFloat}, which C2
 * compiles to F16C instructions (the Vector API has no fp16 conversion). Array-in, array-out only.
 */
final class OnlineSoftmax {
    /** The least argument given to the vector exponential (see {@link #exponentials}). */
    static final float EXP_FLOOR = -80f;

    private OnlineSoftmax() {
    }

    /**
     * The exponentials of one query over {@code n} positions, scores {@code scores[from..]} times
     * {@code scale}, into {@code e[at..]}, and whether each position raises the running maximum
     * {@code max} (then its exponential is exp(old - new), the accumulator's multiplier; else exp(s - max),
     * the value's weight) into {@code raises[at..]}. The maximum does not depend on the accumulator, so
     * this pass comes first and the exponentials go as vectors ({@code e} holds whole vectors from
     * {@code at}). Returns the new maximum. (The prompt path now takes its queries in vector lanes,
     * {@code VectorAttention.weigh}; the floor below is shared.)
     *
     * <p>Arguments are raised to {@link #EXP_FLOOR} at least: the vector exponential leaves its fast
     * path for a vector with any lane whose result is subnormal (arguments from about -104 to -87): 222 ns
     * per vector instead of 7 (measured alone); a peaked head meets such scores often. It changes nothing
     * that is kept: the weight exp(-80) = 1.8e-35 of a value (at most 65504 in fp16) adds less than half
     * of fp16's smallest subnormal to the accumulator, and nothing to a sum that already holds a 1 (every
     * sum does once its first position is in); as a multiplier it rounds the accumulator to zero as the
     * exact one does (the first position's, against no maximum yet, multiplies an accumulator of zeros and
     * a sum of 0).
     */
    static float exponentials(float[] scores, int from, int n, float scale, float max, float[] e, boolean[] raises, int at) {
        for (int j = 0; j < n; j++) {
            float s = scores[from + j] * scale;
            raises[at + j] = s > max;
            if (s > max) {
                e[at + j] = Math.max(max - s, EXP_FLOOR);
                max = s;
            } else {
                e[at + j] = Math.max(s - max, EXP_FLOOR);
            }
        }
        for (int j = 0; j < n; j += FLOATS) {
            FloatVector.fromArray(F, e, at + j).lanewise(VectorOperators.EXP).intoArray(e, at + j);
        }
        return max;
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
