package io.wasmchord.quant;

import io.wasmchord.io.LittleEndian;

/**
 * IEEE binary16 (fp16) and bfloat16 conversions, bit-exact with ggml: round to nearest even,
 * subnormals kept, infinities kept, NaNs made quiet. Written with integer operations only, because
 * the JDK's own half-float conversions are not available under TeaVM.
 */
public final class Half {
    private Half() {
    }

    /** The float an fp16 bit pattern (low 16 bits of {@code h}) stands for; exact. */
    public static float toFloat(int h) {
        int exponent = h & 0x7C00;
        int sign = (h & 0x8000) << 16;
        if (exponent == 0x7C00) { // infinity or NaN, payload kept
            return Float.intBitsToFloat(sign | 0x7F800000 | (h & 0x3FF) << 13);
        }
        if (exponent != 0) { // normal: widen the fields and rebase the exponent bias from 15 to 127
            return Float.intBitsToFloat(sign | (((h & 0x7FFF) << 13) + (112 << 23)));
        }
        // zero or subnormal: 0.5 + mantissa * 2^-24 has the mantissa in its low bits; subtracting 0.5 is exact
        float magnitude = Float.intBitsToFloat((h & 0x3FF) | (126 << 23)) - 0.5f;
        return Float.intBitsToFloat(sign | Float.floatToRawIntBits(magnitude));
    }

    /** The fp16 bit pattern nearest to {@code f} (ties to even); NaN payloads keep their top bits. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7FFFFFFF;
        if (magnitude >= 0x38800000 && magnitude < 0x477FF000) {
            // Normal fp16: rebase the exponent, then round the 13 dropped bits half to even; a carry
            // out of the mantissa correctly bumps the exponent.
            int rebased = magnitude - (112 << 23);
            return (short) (sign | (rebased + 0xFFF + ((rebased >>> 13) & 1)) >>> 13);
        }
        if (magnitude >= 0x7F800000) {
            boolean nan = magnitude > 0x7F800000;
            return (short) (sign | 0x7C00 | (nan ? 0x200 | (magnitude >>> 13) & 0x3FF : 0));
        }
        if (magnitude >= 0x477FF000) { // 65520 and above round to infinity
            return (short) (sign | 0x7C00);
        }
        int exponent = magnitude >>> 23;
        int mantissa = magnitude & 0x7FFFFF;
        // Subnormal fp16: count units of 2^-24. The float is (mantissa | 2^23) * 2^(exponent - 150).
        int shift = 126 - exponent;
        if (shift > 24 || exponent == 0) {
            return (short) sign; // below half the smallest subnormal (or a float subnormal): zero
        }
        int significand = mantissa | 0x800000;
        int h = significand >>> shift;
        int rest = significand & ((1 << shift) - 1);
        int halfUnit = 1 << (shift - 1);
        if (rest > halfUnit || (rest == halfUnit && (h & 1) != 0)) {
            h++;
        }
        return (short) (sign | h);
    }

    /**
     * The float nearest to {@code f} that fp16 can hold, {@code toFloat(fromFloat(f))} to the bit, in one
     * masked add where the result is a normal fp16: the 13 low mantissa bits rounded half to even (a carry
     * bumps the exponent, as it should). Zeros, subnormals, overflow and NaN take the exact path. Attention
     * rounds every accumulator step this way, and Wasm pays for the exact path's branches.
     */
    public static float roundToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int magnitude = bits & 0x7FFFFFFF;
        if (magnitude >= 0x38800000 && magnitude < 0x477FF000) {
            return Float.intBitsToFloat((bits + 0xFFF + ((bits >>> 13) & 1)) & 0xFFFFE000);
        }
        return toFloat(fromFloat(f));
    }

    /** The float a bfloat16 bit pattern (low 16 bits of {@code b}) stands for; exact. */
    public static float bf16ToFloat(int b) {
        return Float.intBitsToFloat(b << 16);
    }

    /** The bfloat16 nearest to {@code f} (ties to even); NaNs are made quiet, as ggml does. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Reads the little-endian fp16 at {@code b[i]} as a float. */
    public static float read(byte[] b, int i) {
        return toFloat(LittleEndian.getUnsignedShort(b, i));
    }

    /** Writes {@code f} rounded to fp16, little-endian, at {@code b[i]}. */
    public static void write(byte[] b, int i, float f) {
        LittleEndian.putShort(b, i, fromFloat(f));
    }

    /** Reads the little-endian bfloat16 at {@code b[i]} as a float. */
    public static float readBf16(byte[] b, int i) {
        return bf16ToFloat(LittleEndian.getUnsignedShort(b, i));
    }

    /** Writes {@code f} rounded to bfloat16, little-endian, at {@code b[i]}. */
    public static void writeBf16(byte[] b, int i, float f) {
        LittleEndian.putShort(b, i, floatToBf16(f));
    }
}
