package io.wasmchord.wasm;

import io.wasmchord.io.ByteSource;
import org.teavm.interop.Address;
import org.teavm.interop.Import;
import org.teavm.jso.typedarrays.ArrayBuffer;
import org.teavm.jso.typedarrays.Int8Array;
import org.teavm.runtime.heap.Heap;

/**
 * A model file held in WebAssembly linear memory, in chunks allocated outside the Java heap. JavaScript
 * writes the bytes straight into views of the chunks as they arrive (download, file, buffer), so a model
 * never passes through a Java array; the engine reads rows out of it through {@link ByteSource}.
 * Linear memory tops out at 2 GiB, so one loaded model must stay below that.
 */
final class LinearMemorySource implements ByteSource {
    /** Chunks of 64 MiB: big enough to be few, small enough to fit between other allocations. */
    static final int CHUNK_SHIFT = 26;
    static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;

    private final String name;
    private final long size;
    private final int chunkShift;
    private final int chunkSize;
    private final long chunkMask;
    private final int[] chunks; // base addresses
    private boolean closed;

    LinearMemorySource(String name, long size) {
        this(name, size, CHUNK_SHIFT);
    }

    /** With chunks of {@code 1 << chunkShift} bytes (tests use small ones to put rows across chunk ends). */
    LinearMemorySource(String name, long size, int chunkShift) {
        if (size < 0 || size >= (1L << 31)) {
            throw new IllegalArgumentException(name + ": " + size + " bytes do not fit in WebAssembly memory,"
                    + " which holds at most 2 GiB; use a smaller (more quantized) model");
        }
        this.name = name;
        this.size = size;
        this.chunkShift = chunkShift;
        this.chunkSize = 1 << chunkShift;
        this.chunkMask = chunkSize - 1;
        int n = (int) ((size + chunkSize - 1) >>> chunkShift);
        this.chunks = new int[n];
        for (int i = 0; i < n; i++) {
            int length = chunkLength(i);
            Address a = Heap.alloc(length);
            if (a == null || a.toInt() == 0) {
                release(i);
                throw new IllegalStateException(name + ": out of WebAssembly memory after " + ((long) i << chunkShift)
                        + " of " + size + " bytes (at most 2 GiB in all; dispose of models no longer used)");
            }
            chunks[i] = a.toInt();
        }
    }

    int chunkCount() {
        return chunks.length;
    }

    int chunkLength(int i) {
        return (int) Math.min(chunkSize, size - ((long) i << chunkShift));
    }

    /** The linear-memory address of byte {@code offset}. */
    int address(long offset) {
        checkOpen();
        return chunks[(int) (offset >>> chunkShift)] + (int) (offset & chunkMask);
    }

    /** How many bytes from {@code offset} on lie in one piece of linear memory (to the end of its chunk). */
    int contiguousFrom(long offset) {
        return chunkLength((int) (offset >>> chunkShift)) - (int) (offset & chunkMask);
    }

    /** A view of chunk {@code i}; take a fresh one after anything may have grown memory. */
    Int8Array chunkView(int i) {
        checkOpen();
        return new Int8Array(linearMemory(), chunks[i], chunkLength(i));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte get(long offset) {
        if (offset < 0 || offset >= size) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside " + name + " (" + size + " bytes)");
        }
        checkOpen();
        return Address.fromInt(address(offset)).getByte();
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        ByteSource.checkRange(size, offset, length);
        checkOpen();
        while (length > 0) {
            int chunk = (int) (offset >>> chunkShift);
            int within = (int) (offset & chunkMask);
            int n = Math.min(length, chunkLength(chunk) - within);
            copy(chunks[chunk] + within, dst, dstOffset, n);
            offset += n;
            dstOffset += n;
            length -= n;
        }
    }

    /** Wasm GC arrays cannot alias linear memory, so bytes are copied; eight at a time where they can be. */
    private static void copy(int address, byte[] dst, int at, int n) {
        int end = at + n;
        int words = at + (n & ~7);
        while (at < words) {
            long v = Address.fromInt(address).getLong();
            dst[at] = (byte) v;
            dst[at + 1] = (byte) (v >>> 8);
            dst[at + 2] = (byte) (v >>> 16);
            dst[at + 3] = (byte) (v >>> 24);
            dst[at + 4] = (byte) (v >>> 32);
            dst[at + 5] = (byte) (v >>> 40);
            dst[at + 6] = (byte) (v >>> 48);
            dst[at + 7] = (byte) (v >>> 56);
            address += 8;
            at += 8;
        }
        while (at < end) {
            dst[at++] = Address.fromInt(address++).getByte();
        }
    }

    /** A view that still knows its linear-memory addresses, so kernels can read weights in place. */
    @Override
    public LinearMemorySlice slice(long offset, long length) {
        ByteSource.checkRange(size, offset, length);
        return new LinearMemorySlice(this, offset, length);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release(chunks.length);
        }
    }

    private void release(int count) {
        for (int i = 0; i < count; i++) {
            if (chunks[i] != 0) {
                Heap.release(Address.fromInt(chunks[i]));
                chunks[i] = 0;
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " was disposed");
        }
    }

    @Import(module = "teavmMemory", name = "linearMemory")
    private static native ArrayBuffer linearMemory();
}
