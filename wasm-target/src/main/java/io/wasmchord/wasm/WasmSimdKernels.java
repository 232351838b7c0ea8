package io.wasmchord.wasm;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.quant.BlockFormat;
import io.wasmchord.quant.GgmlType;
import org.teavm.interop.Address;

/**
 * Matrix products on the WebAssembly SIMD kernels (SimdKernelModule), reading weight rows in place in
 * linear memory; bit-identical to {@link ScalarKernels}. Activations are encoded in Java by
 * engine-common's quantizers (as llama.cpp encodes them), copied to linear memory once per call, and
 * every weight row is dotted with them there. Types without a SIMD kernel and weights outside linear
 * memory go to ScalarKernels; a row that straddles two chunks of a model file gets the scalar dot,
 * which gives the same bits. Attention is the reference's too: SimdAttention, or FlashAttention itself
 * where the head size is not a multiple of 4.
 */
final class WasmSimdKernels implements Kernels {
    private final ScalarKernels scalar = new ScalarKernels();
    private final LinearScratch activations = new LinearScratch();
    private final LinearScratch results = new LinearScratch();
    private final LinearScratch widened = new LinearScratch();
    private final LinearScratch decoded = new LinearScratch();
    private final SimdAttention attention = new SimdAttention();
    private byte[] act = new byte[0];
    private byte[] row = new byte[0];
    private float[] attentionScratch = new float[0];

    WasmSimdKernels() {
        SimdKernelModule.ensureReady();
    }

    @Override
    public void matmul(WeightMatrix w, float[] x, float[] out, int n) {
        int kernel = SimdKernelModule.kernelOf(w.type());
        if (kernel < 0 || !(w.data() instanceof LinearMemorySlice data)) {
            scalar.matmul(w, x, out, n);
            return;
        }
        int cols = w.cols();
        int rows = w.rows();
        GgmlType actType = w.type().vecDotType();
        int actRowBytes = (int) actType.bytesFor(cols);
        if (act.length < actRowBytes * n) {
            act = new byte[actRowBytes * n];
        }
        BlockFormat actFormat = actType.format();
        for (int t = 0; t < n; t++) {
            actFormat.quantize(x, t * cols, act, t * actRowBytes, cols);
        }
        int actAddress = activations.write(act, actRowBytes * n);
        int outAddress = results.reserve(4 * rows * n);
        int wideAddress = widened.reserve(Math.max(16, n * SimdKernelModule.wideRowBytes(actType, cols)));
        int decodedAddress = n > 1 ? decoded.reserve(SimdKernelModule.decodedRowBytes(cols)) : 0;
        int rowBytes = w.rowBytes();
        for (int r = 0; r < rows; ) {
            long offset = (long) r * rowBytes;
            int whole = (int) Math.min(rows - r, data.contiguousFrom(offset) / rowBytes);
            if (whole == 0) {
                straddlingRow(w, data, r, n, actRowBytes, outAddress);
                r++;
                continue;
            }
            SimdKernelModule.matmul(kernel, data.address(offset), rowBytes, whole, actAddress, actRowBytes, n, cols,
                    outAddress + 4 * r, 4 * rows, wideAddress, decodedAddress);
            r += whole;
        }
        for (int i = 0; i < rows * n; i++) {
            out[i] = Address.fromInt(outAddress + 4 * i).getFloat();
        }
    }

    /** A row split between two chunks of linear memory: copied out and dotted by the scalar format. */
    private void straddlingRow(WeightMatrix w, LinearMemorySlice data, int r, int n, int actRowBytes, int outAddress) {
        int rowBytes = w.rowBytes();
        if (row.length < rowBytes) {
            row = new byte[rowBytes];
        }
        data.read((long) r * rowBytes, row, 0, rowBytes);
        BlockFormat format = w.type().format();
        for (int t = 0; t < n; t++) {
            float v = format.dot(row, 0, act, t * actRowBytes, w.cols());
            Address.fromInt(outAddress + 4 * (t * w.rows() + r)).putFloat(v);
        }
    }

    @Override
    public void attention(float[] q, int qOffset, short[] keys, short[] values, int length,
                          AttentionShape shape, float[] out, int outOffset) {
        if (shape.headDim() % 4 == 0) {
            attention.compute(q, qOffset, keys, values, length, shape, out, outOffset);
            return;
        }
        if (attentionScratch.length < 2 * shape.headDim()) {
            attentionScratch = new float[2 * shape.headDim()];
        }
        FlashAttention.compute(q, qOffset, keys, values, length, shape, out, outOffset, attentionScratch);
    }

    /** The KV cache's stores: converted as the reference does, and reported to the attention's mirrors. */
    @Override
    public void toHalf(float[] src, int from, short[] dst, int at, int n) {
        Kernels.super.toHalf(src, from, dst, at, n);
        attention.written(dst, at);
    }

    /** Frees the linear-memory scratch (when the model is disposed). */
    void release() {
        activations.release();
        results.release();
        widened.release();
        decoded.release();
        attention.release();
    }
}
