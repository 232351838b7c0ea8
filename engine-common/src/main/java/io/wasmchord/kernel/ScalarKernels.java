package io.wasmchord.kernel;

import io.wasmchord.quant.BlockFormat;
import io.wasmchord.quant.GgmlType;

/**
 * The reference kernels: plain Java, one thread, the numerics of llama.cpp's CPU backend. Matmul
 * quantizes each activation row to the weight type's vec-dot type once, then dots every weight row
 * (copied from the source into a reused scratch array) against it. Scratch grows as needed and is
 * reused, so steady-state decoding allocates nothing.
 */
public final class ScalarKernels implements Kernels {
    private byte[] rowScratch = new byte[0];
    private byte[] activationScratch = new byte[0];
    private float[] attentionScratch = new float[0];

    @Override
    public void matmul(WeightMatrix w, float[] x, float[] out, int n) {
        int cols = w.cols();
        int rows = w.rows();
        BlockFormat format = w.type().format();
        GgmlType actType = w.type().vecDotType();
        BlockFormat actFormat = actType.format();
        int actRowBytes = (int) actType.bytesFor(cols);
        byte[] act = activationScratch = grow(activationScratch, actRowBytes * n);
        for (int t = 0; t < n; t++) {
            actFormat.quantize(x, t * cols, act, t * actRowBytes, cols);
        }
        int rowBytes = w.rowBytes();
        byte[] row = rowScratch = grow(rowScratch, rowBytes);
        for (int r = 0; r < rows; r++) {
            w.data().read((long) r * rowBytes, row, 0, rowBytes);
            for (int t = 0; t < n; t++) {
                out[t * rows + r] = format.dot(row, 0, act, t * actRowBytes, cols);
            }
        }
    }

    @Override
    public void attention(float[] q, int qOffset, short[] keys, short[] values, int length,
                          AttentionShape shape, float[] out, int outOffset) {
        if (attentionScratch.length < 2 * shape.headDim()) {
            attentionScratch = new float[2 * shape.headDim()];
        }
        FlashAttention.compute(q, qOffset, keys, values, length, shape, out, outOffset, attentionScratch);
    }

    private static byte[] grow(byte[] a, int n) {
        return a.length >= n ? a : new byte[n];
    }
}
