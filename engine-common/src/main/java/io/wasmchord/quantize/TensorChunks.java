package io.wasmchord.quantize;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.quant.GgmlType;

/**
 * A tensor cut into runs of whole rows (at least 16384 values each, as llama-quantize cuts its work),
 * each converted on its own: a copy when the type does not change, else floats in, blocks out.
 */
public final class TensorChunks {
    private static final int MIN_CHUNK_VALUES = 32 * 512;

    private final QuantizePlan.Item item;
    private final long rows;
    private final int rowsPerChunk;
    private final long inRowBytes;
    private final long outRowBytes;

    private TensorChunks(QuantizePlan.Item item) {
        this.item = item;
        GgufTensor t = item.source();
        this.rows = t.rowCount();
        long rowLength = t.rowLength();
        this.inRowBytes = t.type().bytesFor(rowLength);
        this.outRowBytes = item.target().bytesFor(rowLength);
        long perChunk = rowLength >= MIN_CHUNK_VALUES ? 1 : (MIN_CHUNK_VALUES + rowLength - 1) / Math.max(1, rowLength);
        this.rowsPerChunk = (int) Math.max(1, Math.min(perChunk, Math.max(1, rows)));
        if ((long) rowsPerChunk * Math.max(inRowBytes, rowLength * 4L) > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("tensor \"" + t.name() + "\": rows of " + rowLength
                    + " values are too long to convert");
        }
    }

    public static TensorChunks of(QuantizePlan.Item item) {
        return new TensorChunks(item);
    }

    public int count() {
        return (int) ((rows + rowsPerChunk - 1) / rowsPerChunk);
    }

    private int rowsIn(int chunk) {
        return (int) Math.min(rowsPerChunk, rows - (long) chunk * rowsPerChunk);
    }

    public long inputBytes(int chunk) {
        return rowsIn(chunk) * inRowBytes;
    }

    /** Working memory for one chunk; one per thread. */
    public final class Buffers {
        private final byte[] input = new byte[(int) (rowsPerChunk * inRowBytes)];
        private final float[] values = item.converts() ? new float[(int) (rowsPerChunk * item.source().rowLength())] : null;
        private final byte[] output = item.converts() ? new byte[(int) (rowsPerChunk * outRowBytes)] : input;

        public byte[] output() {
            return output;
        }
    }

    public Buffers newBuffers() {
        return new Buffers();
    }

    /** Converts one chunk into {@code buffers.output()}; returns how many bytes it holds. */
    public int encode(GgufFile in, int chunk, Buffers buffers) {
        int n = rowsIn(chunk);
        long firstRow = (long) chunk * rowsPerChunk;
        GgufTensor t = item.source();
        if (!item.converts()) {
            int bytes = (int) (n * inRowBytes);
            in.data(t).read(firstRow * inRowBytes, buffers.input, 0, bytes);
            return bytes;
        }
        GgmlType target = item.target();
        int values = (int) (n * t.rowLength());
        TensorFloats.readRows(in, t, firstRow, n, buffers.values, buffers.input);
        checkFinite(t, firstRow, buffers.values, values);
        Quantizers.of(target).quantize(buffers.values, 0, values, buffers.output, 0);
        return (int) (n * outRowBytes);
    }

    /** llama-quantize rejects converted data holding NaN or infinity; say which value is at fault. */
    private static void checkFinite(GgufTensor t, long firstRow, float[] v, int n) {
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(v[i]) || Float.isInfinite(v[i])) {
                long row = firstRow + i / t.rowLength();
                throw new IllegalArgumentException("tensor \"" + t.name() + "\" has a non-finite value (" + v[i]
                        + ") in row " + row + ", column " + i % t.rowLength() + "; it cannot be quantized");
            }
        }
    }
}
