package io.wasmchord.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** fp16/bf16 rounding against the JDK's IEEE conversions (allowed in tests, not in engine code). */
class HalfFloatsTest {

    @Test
    void toHalfRoundsLikeIeeeForEveryHalfAndItsNeighbours() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Float.float16ToFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(f, HalfFloats.fromHalf((short) h), "fromHalf " + Integer.toHexString(h));
            for (int d = -2; d <= 2; d++) {
                float g = Float.intBitsToFloat(Float.floatToRawIntBits(f) + d * 0x1000 + d);
                if (!Float.isNaN(g)) {
                    assertEquals(Float.floatToFloat16(g), HalfFloats.toHalf(g), "toHalf " + g);
                }
            }
        }
        assertEquals((short) 0x7E00, HalfFloats.toHalf(Float.NaN));
    }

    @Test
    void toBf16RoundsHalfToEven() {
        assertEquals((short) 0x3F80, HalfFloats.toBf16(1.0f));
        assertEquals((short) 0x3F80, HalfFloats.toBf16(Float.intBitsToFloat(0x3F808000))); // tie, stays even
        assertEquals((short) 0x3F82, HalfFloats.toBf16(Float.intBitsToFloat(0x3F818000))); // tie, rounds up to even
        assertEquals((short) 0x3F81, HalfFloats.toBf16(Float.intBitsToFloat(0x3F808001)));
        assertEquals((short) 0x7FC0, HalfFloats.toBf16(Float.intBitsToFloat(0x7F800001)));
    }
}
