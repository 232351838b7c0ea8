package io.wasmchord.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT's WordPiece (llama.cpp's llm_tokenizer_wpm): lowercase, strip accents, split at whitespace and
 * around punctuation and CJK characters, then cover each word greedily with the longest tokens, the first
 * of them marked as word start (U+2581 in GGUF vocabularies). A word that cannot be covered is UNK.
 */
final class WordPieceTokenizer extends VocabTokenizer {
    WordPieceTokenizer(Vocabulary vocab) {
        super(vocab);
    }

    @Override
    void encodeFragments(List<Fragment> fragments, boolean addSpecial, IntList out) {
        if (addSpecial) {
            requireToken(vocab.bos, "CLS (BOS)");
            out.add(vocab.bos);
        }
        for (Fragment f : fragments) {
            if (f.isText()) {
                tokenize(f.text(), out);
            } else {
                out.add(f.token());
            }
        }
        if (addSpecial) {
            requireToken(vocab.sep, "SEP");
            out.add(vocab.sep);
        }
    }

    void tokenize(String text, IntList out) {
        for (String word : words(text)) {
            String marked = "\u2581" + word;
            int before = out.size();
            if (!cover(marked, out)) {
                out.truncate(before);
            }
            if (out.size() == before) {
                requireToken(vocab.unk, "UNK");
                out.add(vocab.unk);
            }
        }
    }

    /** Greedy longest-match cover of {@code word}; false if some position starts no token. */
    private boolean cover(String word, IntList out) {
        int[] cps = word.codePoints().toArray();
        int[] charAt = new int[cps.length + 1];
        int[] byteAt = new int[cps.length + 1];
        for (int i = 0; i < cps.length; i++) {
            charAt[i + 1] = charAt[i] + Character.charCount(cps[i]);
            byteAt[i + 1] = byteAt[i] + Utf8.encodedLength(cps[i]);
        }
        int i = 0;
        while (i < cps.length) {
            int found = -1;
            int foundEnd = -1;
            for (int j = cps.length; j > i; j--) {
                if (byteAt[j] - byteAt[i] > vocab.maxTokenBytes) {
                    continue;
                }
                int id = vocab.id(word.substring(charAt[i], charAt[j]));
                if (id != Vocabulary.NONE) {
                    found = id;
                    foundEnd = j;
                    break;
                }
            }
            if (found < 0) {
                return false;
            }
            out.add(found);
            i = foundEnd;
        }
        return true;
    }

    /** llama.cpp's llm_tokenizer_wpm_session::preprocess. */
    List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (vocab.stripAccents) {
                cp = Unicode.decompositionHead(cp);
            }
            int flags = Unicode.flags(cp);
            if ((flags & Unicode.WHITESPACE) != 0) {
                finish(word, words);
                continue;
            }
            if (cp == 0 || cp == 0xFFFD || (flags & Unicode.CONTROL) != 0) {
                continue;
            }
            if (vocab.stripAccents && (flags & Unicode.ACCENT_MARK) != 0) {
                continue;
            }
            int c = vocab.lowercase ? Unicode.toLower(cp) : cp;
            if ((flags & Unicode.PUNCTUATION) != 0 || (cp < 0x7F && (flags & Unicode.SYMBOL) != 0)
                    || isChinese(cp)) {
                finish(word, words);
                words.add(Utf8.string(c));
            } else {
                word.appendCodePoint(c);
            }
        }
        finish(word, words);
        return words;
    }

    private static void finish(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** The CJK ranges BERT's tokenizer treats as words of their own (with HF's 0x2B920 quirk). */
    static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
