package io.wasmchord.io;

/**
 * Random access to an immutable run of bytes: a memory-mapped file on the JVM, an ArrayBuffer in the
 * browser, host memory under Wasmtime. Everything above this interface is independent of where the
 * bytes live, and nothing is read until asked for.
 */
public interface ByteSource extends AutoCloseable {

    /** A name for messages: the file path, URL or "memory". */
    String name();

    long size();

    byte get(long offset);

    /** Copies {@code length} bytes starting at {@code offset} into {@code dst}. */
    void read(long offset, byte[] dst, int dstOffset, int length);

    /** A view of part of this source; it shares the bytes and its offsets start at 0. */
    default ByteSource slice(long offset, long length) {
        return new SlicedByteSource(this, offset, length);
    }

    /** Releases what the source holds (a mapping, a handle); views become invalid. */
    @Override
    default void close() {
    }

    /** Throws unless {@code [offset, offset + length)} lies within {@code [0, size)}. */
    static void checkRange(long size, long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException(
                    "range [" + offset + ", +" + length + ") outside a source of " + size + " bytes");
        }
    }
}
