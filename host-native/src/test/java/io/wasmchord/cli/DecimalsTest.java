package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalsTest {
    @Test
    void matchesFormatInTheRootLocale() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            // values that are not near a rounding tie, where binary doubles and half-up could differ
            double v = Math.floor((random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(0, 9)) * 1000) / 1000 + 0.0001;
            for (int digits = 0; digits <= 3; digits++) {
                assertEquals(String.format(Locale.ROOT, "%." + digits + "f", v), Decimals.fixed(v, digits), v + " to " + digits);
            }
        }
    }

    @Test
    void edges() {
        assertEquals("0.0", Decimals.fixed(0, 1));
        assertEquals("-0.0", Decimals.fixed(-0.01, 1));
        assertEquals("-1.5", Decimals.fixed(-1.5, 1));
        assertEquals("2", Decimals.fixed(1.5, 0));
        assertEquals("10.00", Decimals.fixed(9.999, 2));
        assertEquals("NaN", Decimals.fixed(Double.NaN, 1));
        assertEquals("Infinity", Decimals.fixed(Double.POSITIVE_INFINITY, 1));
    }
}
