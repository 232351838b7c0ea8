package io.wasmchord.kernel;

/** Single rows of a weight matrix as floats: embedding lookups (ggml's get_rows). */
public final class WeightRows {
    private WeightRows() {
    }

    /**
     * Dequantizes row {@code row} of {@code w} into {@code dst} from {@code dstOffset};
     * {@code scratch} holds at least {@code w.rowBytes()} bytes.
     */
    public static void dequantize(WeightMatrix w, int row, float[] dst, int dstOffset, byte[] scratch) {
        if (row < 0 || row >= w.rows()) {
            throw new IllegalArgumentException(w.name() + ": row " + row + " outside [0, " + w.rows() + ")");
        }
        int rowBytes = w.rowBytes();
        w.data().read((long) row * rowBytes, scratch, 0, rowBytes);
        w.type().format().dequantize(scratch, 0, dst, dstOffset, w.cols());
    }
}
