package io.wasmchord.tokenizer;

/** A stretch of input: plain text still to tokenize, or a special token already recognized. */
record Fragment(int token, String text) {
    static Fragment text(String text) {
        return new Fragment(Vocabulary.NONE, text);
    }

    static Fragment token(int id) {
        return new Fragment(id, null);
    }

    boolean isText() {
        return token == Vocabulary.NONE;
    }
}
