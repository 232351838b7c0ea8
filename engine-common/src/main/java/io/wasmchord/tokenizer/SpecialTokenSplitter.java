package io.wasmchord.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts special tokens out of text before the tokenizer proper sees it (llama.cpp's
 * tokenizer_st_partition): longest token first, each occurrence becomes its own fragment. Control and
 * unknown tokens are recognized only when asked to parse special tokens; user-defined ones always are.
 */
final class SpecialTokenSplitter {
    private SpecialTokenSplitter() {
    }

    static List<Fragment> partition(Vocabulary v, String text, boolean parseSpecial) {
        List<int[]> pieces = new ArrayList<>(); // {token, offset, length}; token NONE for text
        if (!text.isEmpty()) {
            pieces.add(new int[] {Vocabulary.NONE, 0, text.length()});
        }
        for (int special : v.specialTokens) {
            if (!parseSpecial && v.has(special, TokenAttr.CONTROL | TokenAttr.UNKNOWN)) {
                continue;
            }
            String needle = v.texts[special];
            if (!mayOccur(text, needle)) {
                continue;
            }
            List<int[]> next = new ArrayList<>(pieces.size() + 4);
            for (int[] p : pieces) {
                if (p[0] != Vocabulary.NONE) {
                    next.add(p);
                } else {
                    cut(v, text, special, needle, p[1], p[2], next);
                }
            }
            pieces = next;
        }
        List<Fragment> fragments = new ArrayList<>(pieces.size());
        for (int[] p : pieces) {
            fragments.add(p[0] == Vocabulary.NONE ? Fragment.text(text.substring(p[1], p[1] + p[2]))
                    : Fragment.token(p[0]));
        }
        return fragments;
    }

    private static boolean mayOccur(String text, String needle) {
        return !needle.isEmpty() && text.indexOf(needle) >= 0;
    }

    private static void cut(Vocabulary v, String text, int special, String needle, int offset, int length,
                            List<int[]> out) {
        boolean lstrip = v.has(special, TokenAttr.LSTRIP);
        boolean rstrip = v.has(special, TokenAttr.RSTRIP);
        while (true) {
            int match = text.indexOf(needle, offset);
            if (match < 0 || match + needle.length() > offset + length) {
                if (length > 0) {
                    out.add(new int[] {Vocabulary.NONE, offset, length});
                }
                return;
            }
            int leftLength = match - offset;
            if (lstrip) {
                while (leftLength > 0 && isCSpace(text.charAt(offset + leftLength - 1))) {
                    leftLength--;
                }
            }
            if (leftLength > 0) {
                out.add(new int[] {Vocabulary.NONE, offset, leftLength});
            }
            out.add(new int[] {special, 0, 0});
            int rightOffset = match + needle.length();
            int rightLength = offset + length - rightOffset;
            if (rstrip) {
                while (rightLength > 0 && isCSpace(text.charAt(rightOffset))) {
                    rightOffset++;
                    rightLength--;
                }
            }
            offset = rightOffset;
            length = rightLength;
        }
    }

    /** C's isspace in the "C" locale, which llama.cpp uses for the strip flags. */
    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
