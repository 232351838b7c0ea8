package io.wasmchord.quantize;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteSource;
import io.wasmchord.quant.GgmlType;

/**
 * Reads rows of a tensor as float32, the input every quantizer takes: float types directly, block
 * types through their format's dequantization (for requantizing).
 */
public final class TensorFloats {
    private TensorFloats() {
    }

    /** True if rows of {@code type} can be read as floats without dequantizing. */
    public static boolean isFloat(GgmlType type) {
        return type == GgmlType.F32 || type == GgmlType.F16 || type == GgmlType.BF16;
    }

    /** True if rows of {@code type} can be read as floats at all (requantizing needs this). */
    public static boolean canDequantize(GgmlType type) {
        return type.format() != null;
    }

    /**
     * Reads rows {@code [firstRow, firstRow + rows)} of {@code tensor} into {@code dst[0..rows*ne0)}.
     * {@code scratch} must hold at least the rows' bytes.
     */
    public static void readRows(GgufFile file, GgufTensor tensor, long firstRow, int rows, float[] dst, byte[] scratch) {
        GgmlType type = tensor.type();
        if (!canDequantize(type)) {
            throw new IllegalArgumentException("tensor \"" + tensor.name() + "\" is " + type.displayName
                    + ", which cannot be read");
        }
        long rowLength = tensor.rowLength();
        long rowBytes = type.bytesFor(rowLength);
        int n = Math.toIntExact(rows * rowLength);
        int bytes = Math.toIntExact(rows * rowBytes);
        ByteSource data = file.data(tensor);
        data.read(firstRow * rowBytes, scratch, 0, bytes);
        type.format().dequantize(scratch, 0, dst, 0, n);
    }
}
