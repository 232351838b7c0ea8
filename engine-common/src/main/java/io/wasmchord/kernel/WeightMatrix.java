package io.wasmchord.kernel;

import io.wasmchord.io.ByteSource;
import io.wasmchord.quant.GgmlType;

/**
 * A 2-D weight tensor as the kernels see it: {@code rows} rows of {@code cols} values in block format
 * {@code type}, row-major, read in place from {@code data} (usually a zero-copy view of the model file).
 */
public record WeightMatrix(String name, GgmlType type, int rows, int cols, ByteSource data) {

    public WeightMatrix {
        long expected = type.bytesFor((long) rows * cols);
        if (data.size() != expected) {
            throw new IllegalArgumentException(name + ": " + data.size() + " bytes for " + rows + " x " + cols
                    + " " + type.displayName + " values, expected " + expected);
        }
    }

    /** Bytes in one row. */
    public int rowBytes() {
        return (int) type.bytesFor(cols);
    }
}
