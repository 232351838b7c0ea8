package io.wasmchord.tokenizer;

/** A vocabulary that cannot be loaded or used: a missing or malformed key, an unsupported model. */
public final class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }
}
