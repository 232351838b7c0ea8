package io.wasmchord.tokenizer;

/**
 * The symbols of a word being merged, as a doubly linked list over its characters: each symbol is a
 * stretch of the text; merging a pair grows the left one and empties the right one (llama.cpp's
 * llm_symbol arrays).
 */
final class SymbolChain {
    final String text;
    final int[] start;
    final int[] length;
    final int[] prev;
    final int[] next;
    final int count;

    /** One symbol per code point of {@code text}. */
    SymbolChain(String text) {
        this.text = text;
        int n = text.codePointCount(0, text.length());
        start = new int[n];
        length = new int[n];
        prev = new int[n];
        next = new int[n];
        int at = 0;
        for (int i = 0; i < n; i++) {
            int len = Character.charCount(text.codePointAt(at));
            start[i] = at;
            length[i] = len;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            at += len;
        }
        count = n;
    }

    /** A chain of one symbol covering all of {@code text}. */
    static SymbolChain whole(String text) {
        return new SymbolChain(text, true);
    }

    private SymbolChain(String text, boolean whole) {
        this.text = text;
        start = new int[] {0};
        length = new int[] {text.length()};
        prev = new int[] {-1};
        next = new int[] {-1};
        count = 1;
    }

    String symbol(int i) {
        return text.substring(start[i], start[i] + length[i]);
    }

    /** The text of symbol {@code left} and the one after it, which it touches. */
    String pair(int left, int right) {
        return text.substring(start[left], start[left] + length[left] + length[right]);
    }

    /** Merges symbol {@code right} into {@code left}, its neighbour. */
    void merge(int left, int right) {
        length[left] += length[right];
        length[right] = 0;
        next[left] = next[right];
        if (next[right] >= 0) {
            prev[next[right]] = left;
        }
    }
}
