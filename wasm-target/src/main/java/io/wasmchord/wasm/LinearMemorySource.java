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
    private static final long CHUNK_MASK = CHUNK_SIZE - 1;

    private final String name;
    private final long size;
    private final int[] chunks; // base addresses
    private boolean closed;

    LinearMemorySource(String name, long size) {
        if (size < 0 || size >= (1L << 31)) {
            throw new IllegalArgumentException(name + ": " + size + " bytes do not fit in WebAssembly memory,"
                    + " which holds at most 2 GiB; use a smaller (more quantized) model");
        }
        this.name = name;
        this.size = size;
        int n = (int) ((size + CHUNK_SIZE - 1) >>> CHUNK_SHIFT);
        this.chunks = new int[n];
        for (int i = 0; i < n; i++) {
            int length = chunkLength(i);
            Address a = Heap.alloc(length);
            if (a == null || a.toInt() == 0) {
                release(i);
                throw new IllegalStateException(name + ": out of WebAssembly memory after " + ((long) i << CHUNK_SHIFT)
                        + " of " + size + " bytes (at most 2 GiB in all; dispose of models no longer used)");
            }
            chunks[i] = a.toInt();
        }
    }

    int chunkCount() {
        return chunks.length;
    }

    int chunkLength(int i) {
        return (int) Math.min(CHUNK_SIZE, size - ((long) i << CHUNK_SHIFT));
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
        return Address.fromInt(chunks[(int) (offset >>> CHUNK_SHIFT)] + (int) (offset & CHUNK_MASK)).getByte();
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        ByteSource.checkRange(size, offset, length);
        checkOpen();
        while (length > 0) {
            int chunk = (int) (offset >>> CHUNK_SHIFT);
            int within = (int) (offset & CHUNK_MASK);
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
