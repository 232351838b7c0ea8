package io.wasmchord.tokenizer;

import java.nio.charset.StandardCharsets;

/** Token ids to text, as llama.cpp's llama_vocab::impl::detokenize does it. */
final class Detokenizer {
    private Detokenizer() {
    }

    static String decode(Vocabulary v, int[] ids, boolean removeSpecial, boolean renderSpecial) {
        int from = 0;
        int to = ids.length;
        boolean removeSpace = v.addSpacePrefix;
        if (removeSpecial && v.addBos && to > 0 && ids[0] == v.bos) {
            removeSpace = false; // llama.cpp keeps the space when it removes BOS
            from = 1;
        }
        if (removeSpecial && v.addEos && to > from && ids[to - 1] == v.eos) {
            to--;
        }
        Utf8.ByteBuffer out = new Utf8.ByteBuffer();
        for (int i = from; i < to; i++) {
            if (ids[i] < 0 || ids[i] >= v.size()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at " + i + " outside the vocabulary of "
                        + v.size());
            }
            byte[] piece = Pieces.shown(v, ids[i], renderSpecial);
            int skip = removeSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            out.add(piece, skip, piece.length - skip);
            removeSpace = false;
        }
        byte[] text = out.toArray();
        int length = v.cleanSpaces ? cleanSpaces(text) : text.length;
        return new String(text, 0, length, StandardCharsets.UTF_8);
    }

    /** llama.cpp's three clean-up passes, in place; returns the new length. */
    static int cleanSpaces(byte[] text) {
        int total1 = text.length;
        int total = total1 > 0 ? 1 : 0;
        for (int i = 1; i < total1; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                total--; // " ?", " !", " .", " ,"
            }
            text[total++] = x;
        }

        int total2 = total;
        total = total2 > 0 ? 1 : 0;
        for (int i = 1; i < total2; i++) {
            byte x = text[i];
            if (x == '\'' && i + 1 < total2 && text[i - 1] == ' ' && text[i + 1] == ' ') { // " ' "
                total--;
                text[++i] = 0;
            }
            text[total++] = x;
        }

        int total3 = total;
        total = total3 > 0 ? 1 : 0;
        for (int i = 1; i < total3; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && x == '\'' && i + 1 < total3) {
                byte x1 = text[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--; // " 's", " 'm"
                } else if (x1 != 't' && x1 != 'd' && i + 2 < total3) {
                    byte x2 = text[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) {
                        total--; // " 're", " 've"
                    }
                }
            }
            text[total++] = x;
        }
        return total;
    }
}
