package io.wasmchord.wasm;

import io.wasmchord.quant.GgmlType;
import io.wasmchord.quant.Half;
import org.teavm.interop.Address;
import org.teavm.interop.Import;
import org.teavm.runtime.heap.Heap;

/**
 * The hand-written WebAssembly SIMD kernels (src/main/wat/chord-kernels.wat), which chord.js
 * instantiates on TeaVM's linear memory and hands to this module as the imports "chordKernels": the
 * engine calls them directly, Wasm to Wasm. Where the browser has no SIMD the imports throw, and
 * nothing here is called (the model runs on ScalarKernels).
 */
final class SimdKernelModule {
    private static boolean ready;

    private SimdKernelModule() {
    }

    /**
     * The kernel id of {@code type} in the module's table (the order of its {@code elem} list), or -1
     * when it has no SIMD kernel.
     */
    static int kernelOf(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 2;
            case Q4_0 -> 3;
            case IQ4_NL -> 4;
            case Q4_1 -> 5;
            case Q4_K -> 6;
            case Q6_K -> 7;
            case IQ4_XS -> 8;
            case Q5_0 -> 9;
            case Q5_1 -> 10;
            case Q5_K -> 11;
            case Q2_K -> 12;
            case Q3_K -> 13;
            default -> -1;
        };
    }

    /**
     * Bytes the module needs per activation row of {@code cols} values in {@code actType} for its
     * widened copy (i16 values, f32 scales): 80 per block of 32, 560 per block of 256, none for floats.
     */
    static int wideRowBytes(GgmlType actType, int cols) {
        return switch (actType) {
            case Q8_0, Q8_1 -> cols / 32 * 80;
            case Q8_K -> cols / 256 * 560;
            default -> 0;
        };
    }

    /** Gives the module its fp16 table once: 65536 floats made by engine-common's own Half.toFloat. */
    static void ensureReady() {
        if (ready) {
            return;
        }
        Address table = Heap.alloc(4 << 16);
        if (table == null || table.toInt() == 0) {
            throw new IllegalStateException("out of WebAssembly memory for the SIMD kernels' fp16 table (256 KiB)");
        }
        for (int h = 0; h < 1 << 16; h++) {
            table.add(4 * h).putFloat(Half.toFloat(h));
        }
        setHalfTable(table.toInt());
        ready = true;
    }

    /**
     * {@code out + 4 * r + outStride * t} receives the dot product of weight row r (of {@code rows},
     * {@code rowBytes} apart from {@code weights}) with activation row t (of {@code n}, {@code actBytes}
     * apart from {@code act}), {@code count} values each. {@code wide} is scratch of
     * {@code n * wideRowBytes} bytes where the module widens integer activations first, {@code decoded}
     * scratch of {@link #decodedRowBytes} where it decodes a weight row once for several activation rows.
     */
    @Import(module = "chordKernels", name = "matmul")
    static native void matmul(int kernel, int weights, int rowBytes, int rows, int act, int actBytes, int n, int count,
                              int out, int outStride, int wide, int decoded);

    /** Scratch for one decoded weight row of {@code cols} values (80 bytes per 32, 560 per 256). */
    static int decodedRowBytes(int cols) {
        return cols / 32 * 80 + 16;
    }

    /**
     * The value half of one attention head (see chord-kernels.wat): fp16 value rows {@code rowBytes}
     * apart from {@code values}, (rescale, weight) f32 pairs at {@code weights}, scratch of
     * {@code headDim} floats at {@code acc}; {@code headDim} floats go to {@code out}.
     */
    @Import(module = "chordKernels", name = "attendValues")
    static native void attendValues(int values, int rowBytes, int length, int headDim, int weights, int acc, int out,
                                    float inverse);

    /**
     * The scores of one attention head (see chord-kernels.wat): fp16 key rows {@code rowBytes} apart
     * from {@code keys} against the {@code headDim} floats at {@code q}; {@code length} floats to {@code scores}.
     */
    @Import(module = "chordKernels", name = "attendKeys")
    static native void attendKeys(int keys, int rowBytes, int length, int headDim, int q, float scale, int scores);

    @Import(module = "chordKernels", name = "setHalfTable")
    private static native void setHalfTable(int address);
}
