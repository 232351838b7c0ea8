package io.wasmchord.kernel;

/**
 * IEEE half-precision conversions done with integer arithmetic (round to nearest even), because the
 * JDK's Float.float16ToFloat family is not available to the Wasm build. The KV cache and the fp16
 * rounding of attention inputs use these, as llama.cpp keeps K and V in fp16.
 */
public final class Fp16 {
    private Fp16() {
    }

    public static float toFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: mant * 2^-24, exact in float
            float v = mant * 5.9604645E-8f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            int nan = abs > 0x7F800000 ? 0x200 | ((abs >>> 13) & 0x3FF) : 0;
            return (short) (sign | 0x7C00 | nan);
        }
        if (abs >= 0x477FF000) {
            return (short) (sign | 0x7C00); // 65520 and above round to infinity
        }
        int e = (abs >>> 23) - 112;
        int m = abs & 0x7FFFFF;
        int h;
        int shift;
        if (e >= 1) {
            h = (e << 10) | (m >>> 13);
            shift = 13;
        } else {
            shift = 14 - e;
            if (shift > 31) {
                return (short) sign;
            }
            m |= 0x800000;
            h = m >>> shift;
        }
        int rem = m & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (h & 1) != 0)) {
            h++; // a carry into the exponent is the correct rounding
        }
        return (short) (sign | h);
    }

    /** The float nearest to {@code f} that fp16 can hold. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
