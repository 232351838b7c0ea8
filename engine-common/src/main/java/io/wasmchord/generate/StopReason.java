package io.wasmchord.generate;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-generation token (EOS, EOT...). */
    END_OF_TEXT,
    /** The text reached one of the stop strings. */
    STOP_STRING,
    /** The requested number of tokens was generated. */
    MAX_TOKENS,
    /** The KV cache has no room for another token. */
    CONTEXT_FULL,
    /** {@link Generation#cancel()} was called. */
    CANCELLED
}
