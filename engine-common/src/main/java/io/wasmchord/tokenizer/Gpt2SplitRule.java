package io.wasmchord.tokenizer;

/**
 * GPT-2's pre-tokenizer, {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+},
 * written out by hand as llama.cpp does (unicode_regex_split_custom_gpt2), with its exact behaviour:
 * categories from {@link Unicode}, and code points of any category, unassigned ones included, counted as
 * "not space, letter or number".
 */
final class Gpt2SplitRule implements SplitRule {
    @Override
    public void split(SplitText text, IntList pieces, IntList out) {
        int start = 0;
        for (int i = 0; i < pieces.size(); i++) {
            int end = start + pieces.get(i);
            splitPiece(new Cursor(text, start, end), out);
            start = end;
        }
    }

    private static void splitPiece(Cursor c, IntList out) {
        int pos = c.start;
        while (pos < c.end) {
            int cpt = c.cp(pos);
            int flags = c.flags(pos);

            if (cpt == '\'' && pos + 1 < c.end) {
                int next = c.cp(pos + 1);
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos = emit(out, pos, pos + 2);
                    continue;
                }
                if (pos + 2 < c.end) {
                    int nextNext = c.cp(pos + 2);
                    if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                            || (next == 'l' && nextNext == 'l')) {
                        pos = emit(out, pos, pos + 3);
                        continue;
                    }
                }
            }

            int tokenStart = pos;
            int flags2 = cpt == ' ' ? c.flags(pos + 1) : flags;
            if ((flags2 & Unicode.LETTER) != 0) {
                pos += cpt == ' ' ? 1 : 0;
                while ((c.flags(pos) & Unicode.LETTER) != 0) {
                    pos++;
                }
                pos = emit(out, tokenStart, pos);
                continue;
            }
            if ((flags2 & Unicode.NUMBER) != 0) {
                pos += cpt == ' ' ? 1 : 0;
                while ((c.flags(pos) & Unicode.NUMBER) != 0) {
                    pos++;
                }
                pos = emit(out, tokenStart, pos);
                continue;
            }
            if (Cursor.isOther(flags2)) {
                pos += cpt == ' ' ? 1 : 0;
                while (Cursor.isOther(c.flags(pos))) {
                    pos++;
                }
                pos = emit(out, tokenStart, pos);
                continue;
            }

            int spaces = 0;
            while ((c.flags(pos + spaces) & Unicode.WHITESPACE) != 0) {
                spaces++;
            }
            if (spaces > 1 && pos + spaces < c.end) {
                pos = emit(out, pos, pos + spaces - 1); // \s+(?!\S): leave the last space to the next word
                continue;
            }
            if (spaces > 0) {
                pos = emit(out, pos, pos + spaces);
                continue;
            }
            pos = emit(out, pos, pos + 1);
        }
    }

    private static int emit(IntList out, int from, int to) {
        if (to > from) {
            out.add(to - from);
        }
        return to;
    }

    /** A piece of the text; positions outside it read as "no code point" with no flags. */
    static final class Cursor {
        static final int OUT_OF_RANGE = -1;
        final SplitText text;
        final int start;
        final int end;

        Cursor(SplitText text, int start, int end) {
            this.text = text;
            this.start = start;
            this.end = end;
        }

        int cp(int pos) {
            return pos >= start && pos < end ? text.cps[pos] : OUT_OF_RANGE;
        }

        int flags(int pos) {
            return pos >= start && pos < end ? text.flags[pos] : 0;
        }

        /** {@code [^\s\p{L}\p{N}]} inside the piece: any flags at all, but not space, letter or number. */
        static boolean isOther(int flags) {
            return flags != 0 && (flags & (Unicode.WHITESPACE | Unicode.LETTER | Unicode.NUMBER)) == 0;
        }
    }
}
