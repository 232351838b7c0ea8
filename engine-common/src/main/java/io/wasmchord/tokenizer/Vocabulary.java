package io.wasmchord.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A vocabulary as llama.cpp holds it after loading (llama_vocab::impl): token texts, scores and
 * attributes, the special token ids and the switches that steer tokenization. Built once by
 * {@link VocabularyLoader}; read-only afterwards.
 */
final class Vocabulary {
    static final int NONE = -1;

    enum Kind { SPM, BPE, WPM }

    final Kind kind;
    final String model;
    final String[] texts;
    final float[] scores;
    final int[] attrs;
    final Map<String, Integer> ids;

    int bos = NONE;
    int eos = NONE;
    int eot = NONE;
    int eom = NONE;
    int unk = NONE;
    int sep = NONE;
    int pad = NONE;
    int mask = NONE;
    int linefeed = NONE;
    Set<Integer> endOfGeneration = Set.of();

    boolean addBos;
    boolean addEos;
    boolean addSep;
    boolean addSpacePrefix;
    boolean cleanSpaces;
    boolean ignoreMerges;
    boolean lowercase = true;
    boolean stripAccents = true;
    int maxTokenBytes;
    BpePreset preset;
    PreTokenizer preTokenizer;
    Map<String, Integer> mergeRanks = Map.of();

    /** Control, user-defined and unknown tokens, longest text first: the order they are cut out of text. */
    int[] specialTokens = new int[0];
    /** What each token detokenizes to, special tokens rendered. */
    byte[][] pieces;

    Vocabulary(Kind kind, String model, String[] texts, float[] scores, int[] attrs) {
        this.kind = kind;
        this.model = model;
        this.texts = texts;
        this.scores = scores;
        this.attrs = attrs;
        this.ids = new HashMap<>(texts.length * 2);
    }

    int size() {
        return texts.length;
    }

    /** The id of the token whose text is {@code text}, or NONE. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? NONE : id;
    }

    boolean has(int id, int attr) {
        return (attrs[id] & attr) != 0;
    }

    /** The token for one byte: {@code <0xXX>} in SPM vocabularies, the byte's character in BPE ones. */
    int byteToken(int b) {
        int id;
        if (kind == Kind.SPM) {
            id = id(byteTokenText(b));
            if (id == NONE && b >= 0 && b < 0x80) {
                id = id(String.valueOf((char) b)); // the raw byte, which only ASCII can be in a Java string
            }
        } else {
            id = id(String.valueOf(ByteLevel.encode(b)));
        }
        if (id == NONE) {
            throw new TokenizerException("the vocabulary has no token for byte 0x" + Integer.toHexString(b & 0xFF));
        }
        return id;
    }

    static String byteTokenText(int b) {
        String hex = "0123456789ABCDEF";
        return "<0x" + hex.charAt((b >> 4) & 15) + hex.charAt(b & 15) + ">";
    }

    /** The byte a BYTE token ({@code <0xXX>}) stands for. */
    int tokenByte(int id) {
        String t = texts[id];
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') {
            throw new TokenizerException("byte token " + id + " has text \"" + t + "\", not <0xXX>");
        }
        return Integer.parseInt(t.substring(3, 5), 16);
    }

    int mergeRank(String left, String right) {
        Integer rank = mergeRanks.get(left + " " + right);
        return rank == null ? -1 : rank;
    }
}
