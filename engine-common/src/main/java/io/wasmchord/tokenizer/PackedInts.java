package io.wasmchord.tokenizer;

/**
 * Non-negative integers packed into printable ASCII, for generated data tables that must live in Java
 * source (TeaVM has no resource files): each character carries 5 bits, least significant first, and a
 * flag saying whether more characters follow. Small numbers take one character.
 */
final class PackedInts {
    private static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";
    private static final int[] VALUE = new int[128];

    static {
        java.util.Arrays.fill(VALUE, -1);
        for (int i = 0; i < DIGITS.length(); i++) {
            VALUE[DIGITS.charAt(i)] = i;
        }
    }

    private PackedInts() {
    }

    static void append(StringBuilder out, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        while (value >= 32) {
            out.append(DIGITS.charAt(32 | (value & 31)));
            value >>>= 5;
        }
        out.append(DIGITS.charAt(value));
    }

    /** Maps a signed number to a non-negative one (0, -1, 1, -2, ... to 0, 1, 2, 3, ...). */
    static int zigzag(int value) {
        return (value << 1) ^ (value >> 31);
    }

    static int unzigzag(int value) {
        return (value >>> 1) ^ -(value & 1);
    }

    /** Unpacks every number in {@code packed}. */
    static int[] decode(String packed) {
        int[] out = new int[packed.length()];
        int n = 0;
        int value = 0;
        int shift = 0;
        for (int i = 0; i < packed.length(); i++) {
            char c = packed.charAt(i);
            int digit = c < 128 ? VALUE[c] : -1;
            if (digit < 0) {
                throw new IllegalStateException("corrupt packed table: character " + (int) c + " at " + i);
            }
            value |= (digit & 31) << shift;
            if (digit < 32) {
                out[n++] = value;
                value = 0;
                shift = 0;
            } else {
                shift += 5;
            }
        }
        if (shift != 0) {
            throw new IllegalStateException("corrupt packed table: it ends inside a number");
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
