package io.wasmchord.cli;

/**
 * Fixed-point text for the status lines of the generating commands, without java.util.Formatter: its
 * first use costs tens of milliseconds of class loading and locale set-up (measured on the cold
 * {@code chord generate} path), a visible share of the time to the first token on small models.
 */
final class Decimals {
    private Decimals() {
    }

    /** {@code value} rounded half-up to {@code digits} (0-6) decimals, with a '.' whatever the locale. */
    static String fixed(double value, int digits) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        long scale = 1;
        for (int i = 0; i < digits; i++) {
            scale *= 10;
        }
        double scaled = Math.abs(value) * scale;
        if (scaled >= 9e15) {
            return Double.toString(value);
        }
        long units = (long) Math.floor(scaled + 0.5);
        StringBuilder sb = new StringBuilder();
        if (value < 0 || (value == 0 && 1 / value < 0)) { // as Formatter: "-0.0" for small negatives
            sb.append('-');
        }
        sb.append(units / scale);
        if (digits > 0) {
            String fraction = Long.toString(units % scale);
            sb.append('.');
            for (int i = fraction.length(); i < digits; i++) {
                sb.append('0');
            }
            sb.append(fraction);
        }
        return sb.toString();
    }
}
