package io.wasmchord.io;

/** Bytes held in a Java array (tests, small files, data built in memory). */
public final class ByteArraySource implements ByteSource {
    private final String name;
    private final byte[] bytes;

    public ByteArraySource(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    public ByteArraySource(byte[] bytes) {
        this("memory", bytes);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public byte get(long offset) {
        return bytes[Math.toIntExact(offset)];
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        ByteSource.checkRange(bytes.length, offset, length);
        System.arraycopy(bytes, (int) offset, dst, dstOffset, length);
    }
}
