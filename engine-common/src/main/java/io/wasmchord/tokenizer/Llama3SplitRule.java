package io.wasmchord.tokenizer;

/**
 * Llama 3's pre-tokenizer, {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 * ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}, written out by hand as llama.cpp does
 * (unicode_regex_split_custom_llama3), quirks included.
 */
final class Llama3SplitRule implements SplitRule {
    @Override
    public void split(SplitText text, IntList pieces, IntList out) {
        int start = 0;
        for (int i = 0; i < pieces.size(); i++) {
            int end = start + pieces.get(i);
            splitPiece(new Gpt2SplitRule.Cursor(text, start, end), out);
            start = end;
        }
    }

    private static void splitPiece(Gpt2SplitRule.Cursor c, IntList out) {
        int pos = c.start;
        while (pos < c.end) {
            int cpt = c.cp(pos);
            int flags = c.flags(pos);

            if (cpt == '\'' && pos + 1 < c.end) {
                int next = Unicode.toLower(c.cp(pos + 1));
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos = emit(out, pos, pos + 2);
                    continue;
                }
                if (pos + 2 < c.end) {
                    int nextNext = Unicode.toLower(c.cp(pos + 2));
                    if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                            || (next == 'l' && nextNext == 'l')) {
                        pos = emit(out, pos, pos + 3);
                        continue;
                    }
                }
            }

            int tokenStart = pos;
            if (!(cpt == '\r' || cpt == '\n' || (flags & Unicode.NUMBER) != 0)) {
                if ((flags & Unicode.LETTER) != 0 || (c.flags(pos + 1) & Unicode.LETTER) != 0) {
                    pos++;
                    while ((c.flags(pos) & Unicode.LETTER) != 0) {
                        pos++;
                    }
                    pos = emit(out, tokenStart, pos);
                    continue;
                }
            }

            if ((flags & Unicode.NUMBER) != 0) {
                int groupStart = pos;
                while ((c.flags(pos) & Unicode.NUMBER) != 0) {
                    pos++;
                    if (pos - groupStart >= 3) {
                        emit(out, groupStart, pos);
                        groupStart = pos;
                    }
                }
                pos = emit(out, groupStart, pos);
                continue;
            }

            int flags2 = cpt == ' ' ? c.flags(pos + 1) : flags;
            // llama.cpp tests the current code point's flags here, not flags2: a lone trailing space qualifies
            if ((flags2 & (Unicode.WHITESPACE | Unicode.LETTER | Unicode.NUMBER)) == 0 && flags != 0) {
                pos += cpt == ' ' ? 1 : 0;
                while (Gpt2SplitRule.Cursor.isOther(c.flags(pos))) {
                    pos++;
                }
                int cpt2 = c.cp(pos);
                while (cpt2 == '\r' || cpt2 == '\n') {
                    cpt2 = c.cp(++pos);
                }
                pos = emit(out, tokenStart, pos);
                continue;
            }

            int spaces = 0;
            int lastLineEnd = 0;
            while ((c.flags(pos + spaces) & Unicode.WHITESPACE) != 0) {
                int cpt2 = c.cp(pos + spaces);
                if (cpt2 == '\r' || cpt2 == '\n') {
                    lastLineEnd = pos + spaces + 1;
                }
                spaces++;
            }
            if (lastLineEnd > 0) {
                pos = emit(out, pos, lastLineEnd);
                continue;
            }
            if (spaces > 1 && pos + spaces < c.end) {
                pos = emit(out, pos, pos + spaces - 1);
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
}
