package io.wasmchord.quantize;

/**
 * Float to fp16 / bf16 bit patterns exactly as ggml's reference C code rounds them (the scale trick
 * for fp16, round-half-even with a quiet-NaN rule for bf16), so quantized files match byte for byte.
 * Plain float arithmetic and bit operations only: TeaVM-safe.
 */
public final class HalfFloats {
    private static final float SCALE_TO_INF = Float.intBitsToFloat(0x77800000);  // 2^112
    private static final float SCALE_TO_ZERO = Float.intBitsToFloat(0x08800000); // 2^-110
    private static final float FP16_EXP_SCALE = Float.intBitsToFloat(0x07800000); // 2^-112

    private HalfFloats() {
    }

    /** IEEE binary16 bits of {@code f}, rounded to nearest even; NaN becomes 0x7E00 with the sign kept. */
    public static short toHalf(float f) {
        float base = (Math.abs(f) * SCALE_TO_INF) * SCALE_TO_ZERO;
        int w = Float.floatToRawIntBits(f);
        int shl1 = w + w;
        int sign = w & 0x80000000;
        int bias = shl1 & 0xFF000000;
        if (Integer.compareUnsigned(bias, 0x71000000) < 0) {
            bias = 0x71000000;
        }
        base = Float.intBitsToFloat((bias >>> 1) + 0x07800000) + base;
        int bits = Float.floatToRawIntBits(base);
        int expBits = (bits >>> 13) & 0x00007C00;
        int mantissaBits = bits & 0x00000FFF;
        int nonSign = expBits + mantissaBits;
        int h = (sign >>> 16) | (Integer.compareUnsigned(shl1, 0xFF000000) > 0 ? 0x7E00 : nonSign);
        return (short) h;
    }

    /** The float value of binary16 bits {@code h} (exact). */
    public static float fromHalf(short h) {
        int w = (h & 0xFFFF) << 16;
        int sign = w & 0x80000000;
        int twoW = w + w;
        float normalized = Float.intBitsToFloat((twoW >>> 4) + (0xE0 << 23)) * FP16_EXP_SCALE;
        float denormalized = Float.intBitsToFloat((twoW >>> 17) | (126 << 23)) - 0.5f;
        int result = sign | (Integer.compareUnsigned(twoW, 1 << 27) < 0
                ? Float.floatToRawIntBits(denormalized) : Float.floatToRawIntBits(normalized));
        return Float.intBitsToFloat(result);
    }

    /** bfloat16 bits of {@code f}, rounded to nearest even; NaN is forced quiet. */
    public static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7FFF + ((u >>> 16) & 1))) >>> 16);
    }

    public static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }
}
