package io.wasmchord.wasm;

import io.wasmchord.io.ByteSource;
import java.util.Arrays;
import java.util.List;

/** Sources laid end to end at given starts; bytes between one source's end and the next start read as zero. */
final class ConcatenatedSource implements ByteSource {
    private final String name;
    private final ByteSource[] parts;
    private final long[] starts;
    private final long size;

    ConcatenatedSource(String name, List<ByteSource> parts, List<Long> starts, long size) {
        this.name = name;
        this.parts = parts.toArray(new ByteSource[0]);
        this.starts = new long[starts.size()];
        for (int i = 0; i < this.starts.length; i++) {
            this.starts[i] = starts.get(i);
        }
        this.size = size;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    /** The part that covers or precedes {@code offset}. */
    private int partAt(long offset) {
        int i = Arrays.binarySearch(starts, offset);
        return i >= 0 ? i : -i - 2;
    }

    @Override
    public byte get(long offset) {
        ByteSource.checkRange(size, offset, 1);
        int i = partAt(offset);
        long within = offset - starts[i];
        return within < parts[i].size() ? parts[i].get(within) : 0;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        ByteSource.checkRange(size, offset, length);
        int i = partAt(offset);
        while (length > 0) {
            long within = offset - starts[i];
            long end = i + 1 < starts.length ? starts[i + 1] : size;
            int n = (int) Math.min(length, end - offset);
            long available = Math.max(0, parts[i].size() - within);
            int fromPart = (int) Math.min(n, available);
            if (fromPart > 0) {
                parts[i].read(within, dst, dstOffset, fromPart);
            }
            Arrays.fill(dst, dstOffset + fromPart, dstOffset + n, (byte) 0);
            offset += n;
            dstOffset += n;
            length -= n;
            i++;
        }
    }

    /** A tensor's view goes straight to the shard that holds it, so reading weights costs no lookup. */
    @Override
    public ByteSource slice(long offset, long length) {
        ByteSource.checkRange(size, offset, length);
        int i = partAt(offset);
        long within = offset - starts[i];
        if (within + length <= parts[i].size()) {
            return parts[i].slice(within, length);
        }
        return ByteSource.super.slice(offset, length);
    }
}
