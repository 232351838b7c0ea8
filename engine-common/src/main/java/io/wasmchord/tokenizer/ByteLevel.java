package io.wasmchord.tokenizer;

/**
 * GPT-2's reversible byte-to-character mapping: byte-level BPE vocabularies spell every byte as a
 * printable character (space is 'Ġ', newline 'Ċ', ...), so a token text is a string of such characters.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            char c = (char) (printable ? b : next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte that character {@code c} stands for, or -1 if it stands for none. */
    static int decode(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** {@code text}'s UTF-8 bytes, each spelled as its character. */
    static String encode(String text) {
        byte[] utf8 = Utf8.encode(text);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(out);
    }
}
