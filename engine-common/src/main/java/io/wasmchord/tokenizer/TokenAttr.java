package io.wasmchord.tokenizer;

/** Token attribute bits, as llama.cpp's llama_token_attr defines them. */
public final class TokenAttr {
    public static final int UNDEFINED = 0;
    public static final int UNKNOWN = 1;
    public static final int UNUSED = 1 << 1;
    public static final int NORMAL = 1 << 2;
    public static final int CONTROL = 1 << 3;
    public static final int USER_DEFINED = 1 << 4;
    public static final int BYTE = 1 << 5;
    public static final int NORMALIZED = 1 << 6;
    /** Partitioning a special token out of text also removes the whitespace before it. */
    public static final int LSTRIP = 1 << 7;
    /** ... or after it. */
    public static final int RSTRIP = 1 << 8;
    public static final int SINGLE_WORD = 1 << 9;

    private TokenAttr() {
    }

    /** The attribute of a {@code tokenizer.ggml.token_type} value (llama_token_type). */
    static int fromTokenType(int type) {
        return switch (type) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }
}
