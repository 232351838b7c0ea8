package io.wasmchord.gguf;

/** A GGUF file that cannot be read, with where the reader found the problem. */
public final class GgufException extends RuntimeException {
    private final String file;
    private final long offset;

    public GgufException(String file, long offset, String problem) {
        super(file + ": at byte " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public String file() {
        return file;
    }

    /** Byte offset in the file where the problem lies. */
    public long offset() {
        return offset;
    }
}
