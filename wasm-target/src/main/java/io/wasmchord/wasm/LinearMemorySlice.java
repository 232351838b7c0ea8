package io.wasmchord.wasm;

import io.wasmchord.io.ByteSource;

/**
 * Part of a {@link LinearMemorySource} (a tensor's bytes, a row) that can say where its bytes lie in
 * linear memory, so the SIMD kernels read weights in place instead of through Java arrays.
 */
final class LinearMemorySlice implements ByteSource {
    private final LinearMemorySource source;
    private final long start;
    private final long length;

    LinearMemorySlice(LinearMemorySource source, long start, long length) {
        this.source = source;
        this.start = start;
        this.length = length;
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public byte get(long offset) {
        if (offset < 0 || offset >= length) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside a slice of " + length + " bytes");
        }
        return source.get(start + offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int len) {
        ByteSource.checkRange(length, offset, len);
        source.read(start + offset, dst, dstOffset, len);
    }

    @Override
    public LinearMemorySlice slice(long offset, long len) {
        ByteSource.checkRange(length, offset, len);
        return new LinearMemorySlice(source, start + offset, len);
    }

    /** The linear-memory address of byte {@code offset}. */
    int address(long offset) {
        return source.address(start + offset);
    }

    /** Bytes from {@code offset} that lie in one piece of linear memory, at most to the end of this slice. */
    long contiguousFrom(long offset) {
        return Math.min(length - offset, source.contiguousFrom(start + offset));
    }
}
