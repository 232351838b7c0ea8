package io.wasmchord.model;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.kernel.WeightRows;

/**
 * Finds a model's tensors by name and checks their shapes. Matrices stay in the file (views of its
 * bytes); vectors (norms, biases) are small and are read into float arrays.
 */
final class Weights {
    private final GgufFile gguf;

    Weights(GgufFile gguf) {
        this.gguf = gguf;
    }

    boolean has(String name) {
        return gguf.tensor(name) != null;
    }

    /** The matrix {@code name} of {@code rows} rows of {@code cols} values. */
    WeightMatrix matrix(String name, int rows, int cols) {
        GgufTensor t = require(name);
        if (t.ne().length > 2 || t.rowLength() != cols || t.rowCount() != rows) {
            throw new ModelException(gguf.name() + ": tensor " + name + " has shape " + t.shapeString()
                    + ", expected " + cols + " x " + rows);
        }
        if (t.type() == null || !t.type().isSupported()) {
            throw new ModelException(gguf.name() + ": tensor " + name + " has type "
                    + (t.type() == null ? "(unknown)" : t.type().displayName) + ", which the engine cannot compute with");
        }
        return new WeightMatrix(name, t.type(), rows, cols, gguf.data(t));
    }

    /** The vector {@code name} of {@code length} values as floats. */
    float[] vector(String name, int length) {
        WeightMatrix m = matrix(name, 1, length);
        float[] out = new float[length];
        WeightRows.dequantize(m, 0, out, 0, new byte[m.rowBytes()]);
        return out;
    }

    /** The vector {@code name}, or null when the file has none. */
    float[] optionalVector(String name, int length) {
        return has(name) ? vector(name, length) : null;
    }

    private GgufTensor require(String name) {
        GgufTensor t = gguf.tensor(name);
        if (t == null) {
            throw new ModelException(gguf.name() + ": missing tensor " + name);
        }
        return t;
    }
}
