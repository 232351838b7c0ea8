package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * Turns float values into one tensor type's blocks, reproducing llama-quantize's output (no
 * importance matrix). Blocks are independent, so any run of whole blocks can be quantized on its
 * own, by any thread; implementations keep no state between calls.
 */
public interface BlockQuantizer {
    GgmlType type();

    /**
     * Quantizes {@code n} values ({@code n} a multiple of the block size) from {@code src[srcOffset..]}
     * into {@code n / blockSize} blocks at {@code dst[dstOffset..]}.
     */
    void quantize(float[] src, int srcOffset, int n, byte[] dst, int dstOffset);
}
