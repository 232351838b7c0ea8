package io.wasmchord.wasm;

import io.wasmchord.io.SlicedByteSource;

/**
 * Part of a {@link LinearMemorySource} (a tensor's bytes, a row) that can say where its bytes lie in
 * linear memory, so the SIMD kernels read weights in place instead of through Java arrays. Reads and
 * bounds are SlicedByteSource's; slicing again goes back to the source, which makes another slice of
 * this kind.
 */
final class LinearMemorySlice extends SlicedByteSource {
    private final LinearMemorySource source; // parent(), typed: its addresses are what this slice adds

    LinearMemorySlice(LinearMemorySource source, long start, long length) {
        super(source, start, length);
        this.source = source;
    }

    /** The linear-memory address of byte {@code offset}. */
    int address(long offset) {
        return source.address(start() + offset);
    }

    /** Bytes from {@code offset} that lie in one piece of linear memory, at most to the end of this slice. */
    long contiguousFrom(long offset) {
        return Math.min(size() - offset, source.contiguousFrom(start() + offset));
    }
}
