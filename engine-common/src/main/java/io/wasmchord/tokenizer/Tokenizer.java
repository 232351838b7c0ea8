package io.wasmchord.tokenizer;

/**
 * Text to token ids and back, exactly as llama.cpp does it for the same GGUF vocabulary. Get one from
 * {@link Tokenizers#fromGguf}. Instances are immutable and safe to share between threads.
 */
public interface Tokenizer {
    /**
     * Token ids of {@code text}.
     *
     * @param addSpecial   add the BOS/EOS (WordPiece: CLS/SEP) tokens the vocabulary asks for
     * @param parseSpecial recognize control tokens written in the text (like {@code <s>}); when false they
     *                     are ordinary text. User-defined tokens are recognized either way, as in llama.cpp.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** {@code encode(text, true, false)}: what a prompt becomes. */
    default int[] encode(String text) {
        return encode(text, true, false);
    }

    /**
     * The text of {@code ids}, as llama.cpp's llama_detokenize makes it: the leading space an SPM
     * vocabulary adds is removed, and vocabularies with "clean spaces" drop spaces before punctuation.
     *
     * @param removeSpecial drop a leading BOS and trailing EOS that the vocabulary would have added
     * @param renderSpecial show control tokens as their text instead of nothing
     */
    String decode(int[] ids, boolean removeSpecial, boolean renderSpecial);

    default String decode(int[] ids) {
        return decode(ids, false, false);
    }

    /** The bytes token {@code id} stands for (llama.cpp's token_to_piece); may be part of a character. */
    byte[] pieceBytes(int id, boolean renderSpecial);

    /** Token {@code id} as text, special tokens rendered; bytes that are not whole characters show as U+FFFD. */
    String piece(int id);

    /** The token's text as the vocabulary stores it (e.g. {@code ▁the}, {@code Ġthe}, {@code <0x0A>}). */
    String tokenText(int id);

    /** {@link TokenAttr} bits of the token. */
    int tokenAttributes(int id);

    int vocabSize();

    /** The BOS (WordPiece: CLS) token id, or -1. */
    int bos();

    /** The EOS token id, or -1. */
    int eos();

    boolean addsBos();

    boolean addsEos();

    /** Whether generating {@code id} ends generation (EOS, EOT, end-of-turn markers...). */
    boolean isEndOfGeneration(int id);

    /** "SPM", "BPE" or "WPM". */
    String kind();

    /** A decoder for generated tokens that only ever yields whole characters. */
    default StreamingDecoder streamingDecoder(boolean renderSpecial) {
        return new StreamingDecoder(this, renderSpecial);
    }
}
