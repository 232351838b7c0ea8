package io.wasmchord.json;

/** Malformed JSON, or JSON without what the reader needed; the message says where. */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
