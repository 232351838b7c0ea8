package io.wasmchord.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** fp16 and bf16 conversions, checked exhaustively and on every rounding tie (the JDK's own fp16 is the oracle). */
class HalfTest {

    @Test
    void everyHalfDecodesLikeTheJdkAndRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat(h);
            float jdk = Float.float16ToFloat((short) h);
            boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
            if (nan) {
                assertTrue(Float.isNaN(f), "NaN " + Integer.toHexString(h));
                int back = Half.fromFloat(f) & 0xFFFF;
                assertEquals(h | 0x200, back, "NaN is made quiet, sign and payload kept: " + Integer.toHexString(h));
            } else {
                assertEquals(Float.floatToRawIntBits(jdk), Float.floatToRawIntBits(f), "decode " + Integer.toHexString(h));
                assertEquals(h, Half.fromFloat(f) & 0xFFFF, "round trip " + Integer.toHexString(h));
            }
        }
    }

    @Test
    void everyTieBetweenNeighbouringHalvesRoundsToEven() {
        for (int h = 0; h < 0x7BFF; h++) { // each finite half below the largest, and the next one up
            for (int sign : new int[] {0, 0x8000}) {
                float low = Half.toFloat(h | sign);
                float high = Half.toFloat((h + 1) | sign);
                float mid = (float) (((double) low + high) / 2); // exact: needs at most 12 significant bits
                assertEquals((double) low + high, 2.0 * mid, "midpoint is exact");
                int even = (h & 1) == 0 ? h : h + 1;
                assertEquals(even | sign, Half.fromFloat(mid) & 0xFFFF, "tie above " + Integer.toHexString(h | sign));
                float towardLow = Math.nextAfter(mid, low);
                float towardHigh = Math.nextAfter(mid, high);
                assertEquals(h | sign, Half.fromFloat(towardLow) & 0xFFFF, "just below the tie above " + h);
                assertEquals((h + 1) | sign, Half.fromFloat(towardHigh) & 0xFFFF, "just above the tie above " + h);
            }
        }
    }

    @Test
    void roundingMatchesTheJdkOnAStrideThroughEveryFloat() {
        for (long bits = 0; bits <= 0xFFFFFFFFL; bits += 65521) {
            float f = Float.intBitsToFloat((int) bits);
            if (!Float.isNaN(f)) {
                assertEquals(Float.floatToFloat16(f), Half.fromFloat(f), "fp16 of " + f);
            }
        }
    }

    @Test
    void edgesOfTheRange() {
        assertEquals(0x7BFF, Half.fromFloat(65504f) & 0xFFFF);
        assertEquals(0x7BFF, Half.fromFloat(65519.996f) & 0xFFFF);
        assertEquals(0x7C00, Half.fromFloat(65520f) & 0xFFFF);
        assertEquals(0xFC00, Half.fromFloat(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertEquals(0x0001, Half.fromFloat(0x1p-24f) & 0xFFFF);
        assertEquals(0x0000, Half.fromFloat(0x1p-25f) & 0xFFFF, "tie to even zero");
        assertEquals(0x0001, Half.fromFloat(Math.nextUp(0x1p-25f)) & 0xFFFF);
        assertEquals(0x8000, Half.fromFloat(-Float.MIN_VALUE) & 0xFFFF);
        assertEquals(0x0400, Half.fromFloat(Math.nextDown(0x1p-14f)) & 0xFFFF, "rounds up into the normals");
    }

    @Test
    void everyBf16RoundTripsAndEveryTieRoundsToEven() {
        for (int b = 0; b < 0x10000; b++) {
            float f = Half.bf16ToFloat(b);
            assertEquals(b << 16, Float.floatToRawIntBits(f));
            if (Float.isNaN(f)) {
                assertEquals(b | 0x40, Half.floatToBf16(f) & 0xFFFF, "NaN made quiet");
                continue;
            }
            assertEquals(b, Half.floatToBf16(f) & 0xFFFF);
            if ((b & 0x7FFF) >= 0x7F80) {
                continue; // infinity: no neighbour above
            }
            int tie = (b << 16) | 0x8000;
            int even = (b & 1) == 0 ? b : b + 1;
            assertEquals(even & 0xFFFF, Half.floatToBf16(Float.intBitsToFloat(tie)) & 0xFFFF, "tie above " + b);
            assertEquals(b, Half.floatToBf16(Float.intBitsToFloat(tie - 1)) & 0xFFFF);
            assertEquals((b + 1) & 0xFFFF, Half.floatToBf16(Float.intBitsToFloat(tie + 1)) & 0xFFFF);
        }
        assertEquals(0x7F80, Half.floatToBf16(Float.MAX_VALUE) & 0xFFFF, "overflows to infinity");
        assertEquals(0x0001, Half.floatToBf16(Float.MIN_NORMAL / 128) & 0xFFFF, "subnormals are kept");
    }

    /**
     * roundToHalf against the exact conversion on every float whose 13 bits below fp16's mantissa sit at
     * or next to a rounding boundary (0, the tie 0x1000, and their neighbours) or at two other places,
     * in every binade and sign: ties, carries into the exponent, the subnormal and overflow edges, NaNs.
     */
    @Test
    void roundToHalfIsTheExactRoundTripOnEveryBoundary() {
        int[] lows = {0, 1, 0xFFE, 0xFFF, 0x1000, 0x1001, 0x1FFF, 0, 0};
        int seed = 1;
        for (int high = 0; high < 1 << 19; high++) {
            seed = seed * 1103515245 + 12345;
            lows[7] = (seed >>> 8) & 0x1FFF;
            lows[8] = (seed >>> 3) & 0x1FFF;
            for (int low : lows) {
                float f = Float.intBitsToFloat(high << 13 | low);
                int expected = Float.floatToRawIntBits(Half.toFloat(Half.fromFloat(f)));
                int actual = Float.floatToRawIntBits(Half.roundToHalf(f));
                if (expected != actual) {
                    assertEquals(Integer.toHexString(expected), Integer.toHexString(actual),
                            "roundToHalf of bits " + Integer.toHexString(high << 13 | low));
                }
            }
        }
    }
}
