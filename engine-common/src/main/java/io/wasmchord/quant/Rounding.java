package io.wasmchord.quant;

/** The two ways ggml turns scaled floats into integers, without Math.round (unavailable under TeaVM). */
final class Rounding {
    private static final float MAGIC = 12582912f; // 1.5 * 2^23: adding it leaves the rounded integer in the low mantissa bits

    private Rounding() {
    }

    /**
     * Round half to even, valid for |x| below 2^22: ggml's nearest_int, and what x86's
     * _mm256_round_ps(_MM_ROUND_NEAREST) does in the AVX activation quantizers.
     */
    static int halfEven(float x) {
        return (Float.floatToRawIntBits(x + MAGIC) & 0x7FFFFF) - 0x400000;
    }

    /** C's roundf: half away from zero (the reference quantizers llama-quantize uses for weights). */
    static int halfAwayFromZero(float x) {
        float magnitude = Math.abs(x);
        int whole = (int) magnitude;
        if (magnitude - whole >= 0.5f) { // exact: whole has no more significant bits than magnitude
            whole++;
        }
        return x < 0 ? -whole : whole;
    }
}
