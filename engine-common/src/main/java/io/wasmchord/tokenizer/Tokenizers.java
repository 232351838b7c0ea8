package io.wasmchord.tokenizer;

import io.wasmchord.gguf.GgufFile;

/** Builds the tokenizer a GGUF file's {@code tokenizer.ggml.*} metadata describes. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * The tokenizer for {@code gguf}: SentencePiece-style for {@code tokenizer.ggml.model} "llama",
     * byte-level BPE for "gpt2" (pre-tokenizer from {@code tokenizer.ggml.pre}), WordPiece for "bert".
     *
     * @throws TokenizerException for other models, unknown pre-tokenizers, or malformed metadata
     */
    public static Tokenizer fromGguf(GgufFile gguf) {
        Vocabulary v = VocabularyLoader.load(gguf);
        return switch (v.kind) {
            case SPM -> new SpmTokenizer(v);
            case BPE -> new BpeTokenizer(v);
            case WPM -> new WordPieceTokenizer(v);
        };
    }
}
