package io.wasmchord.convert;

import io.wasmchord.io.ByteSource;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.quant.Half;
import io.wasmchord.quantize.BlockQuantizer;
import io.wasmchord.quantize.Quantizers;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The rows of a safetensors tensor as floats, optionally with llama.cpp's Q/K row permutation: HF
 * stores each head's rotary pairs as two halves (rows h, p, i with p the half), llama.cpp wants them
 * adjacent (rows h, i, p). Written out converted to a GGUF type, a few rows at a time.
 */
public final class HfTensorRows {
    private static final int CHUNK_VALUES = 1 << 16;

    private final Safetensors.Tensor tensor;
    private final int permuteHeads;
    private final long rows;
    private final long rowLength;
    private final int elementSize;

    /** @param permuteHeads heads to permute rows for (0: no permutation) */
    public HfTensorRows(Safetensors.Tensor tensor, int permuteHeads) {
        this.tensor = tensor;
        this.permuteHeads = permuteHeads;
        long[] shape = tensor.shape();
        // a permuted 1-D tensor (a q/k bias) permutes single values
        this.rowLength = shape.length == 0 || (shape.length == 1 && permuteHeads > 0) ? 1 : shape[shape.length - 1];
        this.rows = rowLength == 0 ? 0 : tensor.elementCount() / rowLength;
        this.elementSize = switch (tensor.dtype()) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("tensor " + tensor.name() + " is " + tensor.dtype()
                    + "; only F32, F16 and BF16 weights can be converted");
        };
        if (permuteHeads > 0 && rows % (2L * permuteHeads) != 0) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " has " + rows + " rows, not a multiple of 2 x "
                    + permuteHeads + " heads");
        }
    }

    /** A tensor the converter computes (not read from the checkpoint), as float32 values. */
    public static HfTensorRows of(String name, float[] values) {
        byte[] b = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            LittleEndian.putFloat(b, 4 * i, values[i]);
        }
        return new HfTensorRows(new Safetensors.Tensor(name, "F32", new long[] {values.length},
                new io.wasmchord.io.ByteArraySource(name, b)), 0);
    }

    /** ggml order: row length first; trailing size-1 dimensions dropped as numpy's squeeze does. */
    public long[] ggmlShape() {
        long[] shape = tensor.shape();
        int n = 0;
        for (long d : shape) {
            if (d != 1) {
                n++;
            }
        }
        if (n == 0) {
            return new long[] {1};
        }
        long[] ne = new long[n];
        int k = 0;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1) {
                ne[k++] = shape[i];
            }
        }
        return ne;
    }

    /** The source row holding output row {@code r}. */
    long sourceRow(long r) {
        if (permuteHeads == 0) {
            return r;
        }
        long perHead = rows / permuteHeads;
        long half = perHead / 2;
        long h = r / perHead;
        long within = r % perHead;
        long i = within / 2;
        long p = within % 2;
        return h * perHead + p * half + i;
    }

    private void readRow(long r, byte[] scratch, float[] dst, int dstOffset) {
        int bytes = (int) (rowLength * elementSize);
        ByteSource data = tensor.data();
        data.read(sourceRow(r) * rowLength * elementSize, scratch, 0, bytes);
        switch (tensor.dtype()) {
            case "F32" -> {
                for (int i = 0; i < rowLength; i++) {
                    dst[dstOffset + i] = LittleEndian.getFloat(scratch, 4 * i);
                }
            }
            case "F16" -> {
                for (int i = 0; i < rowLength; i++) {
                    dst[dstOffset + i] = Half.read(scratch, 2 * i);
                }
            }
            default -> {
                for (int i = 0; i < rowLength; i++) {
                    dst[dstOffset + i] = Half.readBf16(scratch, 2 * i);
                }
            }
        }
    }

    public void writeAs(GgmlType type, OutputStream out) throws IOException {
        if (rowLength > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("tensor " + tensor.name() + ": rows of " + rowLength + " are too long");
        }
        BlockQuantizer q = Quantizers.of(type);
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, CHUNK_VALUES / Math.max(1, rowLength)));
        float[] values = new float[(int) (rowsPerChunk * rowLength)];
        byte[] scratch = new byte[(int) (rowLength * elementSize)];
        byte[] encoded = new byte[(int) type.bytesFor(rowsPerChunk * rowLength)];
        for (long r = 0; r < rows; r += rowsPerChunk) {
            int n = (int) Math.min(rowsPerChunk, rows - r);
            for (int k = 0; k < n; k++) {
                readRow(r + k, scratch, values, (int) (k * rowLength));
            }
            int count = (int) (n * rowLength);
            q.quantize(values, 0, count, encoded, 0);
            out.write(encoded, 0, (int) type.bytesFor(count));
        }
    }
}
