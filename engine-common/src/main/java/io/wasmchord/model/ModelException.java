package io.wasmchord.model;

/** A model file the engine cannot run, or a request it cannot serve; the message says what and where. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }
}
