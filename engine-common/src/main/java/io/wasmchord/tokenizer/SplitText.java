package io.wasmchord.tokenizer;

/**
 * The text a pre-tokenizer splits: its code points, their Unicode flags, and the two stand-in forms
 * llama.cpp matches regular expressions against (built on first use).
 */
final class SplitText {
    /** Stand-ins for code points above ASCII, as llama.cpp's unicode_regex_split collapses them. */
    static final int COLLAPSED_OTHER = 0xD0;
    static final int COLLAPSED_NUMBER = 0xD1;
    static final int COLLAPSED_LETTER = 0xD2;
    static final int COLLAPSED_PUNCTUATION = 0xD3;
    static final int COLLAPSED_ACCENT_MARK = 0xD4;
    static final int COLLAPSED_SYMBOL = 0xD5;
    /** Non-ASCII whitespace becomes a vertical tab, which {@code \s} matches. */
    static final int COLLAPSED_WHITESPACE = 0x0B;

    final int[] cps;
    final int[] flags;
    private int[] collapsed;
    private int[] wide;

    SplitText(int[] cps) {
        this.cps = cps;
        this.flags = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            flags[i] = Unicode.flags(cps[i]);
        }
    }

    int length() {
        return cps.length;
    }

    /** Every code point above ASCII replaced by the stand-in of its category. */
    int[] collapsed() {
        if (collapsed == null) {
            collapsed = new int[cps.length];
            for (int i = 0; i < cps.length; i++) {
                int cp = cps[i];
                int f = flags[i];
                if (cp < 128) {
                    collapsed[i] = cp;
                } else if ((f & Unicode.WHITESPACE) != 0) {
                    collapsed[i] = COLLAPSED_WHITESPACE;
                } else {
                    collapsed[i] = switch (f & Unicode.CATEGORIES) {
                        case Unicode.NUMBER -> COLLAPSED_NUMBER;
                        case Unicode.LETTER -> COLLAPSED_LETTER;
                        case Unicode.PUNCTUATION -> COLLAPSED_PUNCTUATION;
                        case Unicode.ACCENT_MARK -> COLLAPSED_ACCENT_MARK;
                        case Unicode.SYMBOL -> COLLAPSED_SYMBOL;
                        default -> COLLAPSED_OTHER;
                    };
                }
            }
        }
        return collapsed;
    }

    /** The code points themselves, except that non-ASCII whitespace becomes a vertical tab. */
    int[] wide() {
        if (wide == null) {
            wide = new int[cps.length];
            for (int i = 0; i < cps.length; i++) {
                boolean foreignSpace = cps[i] > 0x7F && (flags[i] & Unicode.WHITESPACE) != 0;
                wide[i] = foreignSpace ? COLLAPSED_WHITESPACE : cps[i];
            }
        }
        return wide;
    }
}
