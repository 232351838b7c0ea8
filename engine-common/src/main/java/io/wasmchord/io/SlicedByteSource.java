package io.wasmchord.io;

/**
 * A window onto another source; offsets are relative to the window's start. Hosts extend it to say
 * more about where the window's bytes lie (wasm-target's LinearMemorySlice).
 */
public class SlicedByteSource implements ByteSource {
    private final ByteSource parent;
    private final long start;
    private final long length;

    protected SlicedByteSource(ByteSource parent, long start, long length) {
        ByteSource.checkRange(parent.size(), start, length);
        this.parent = parent;
        this.start = start;
        this.length = length;
    }

    @Override
    public String name() {
        return parent.name();
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
        return parent.get(start + offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int len) {
        ByteSource.checkRange(length, offset, len);
        parent.read(start + offset, dst, dstOffset, len);
    }

    @Override
    public ByteSource slice(long offset, long len) {
        ByteSource.checkRange(length, offset, len);
        return parent.slice(start + offset, len);
    }

    /** The source this window looks into and where it starts, so a host can reach its native memory. */
    public final ByteSource parent() {
        return parent;
    }

    public final long start() {
        return start;
    }
}
