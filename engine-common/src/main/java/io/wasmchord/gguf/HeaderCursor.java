package io.wasmchord.gguf;

import io.wasmchord.io.ByteSource;
import io.wasmchord.io.LittleEndian;
import java.nio.charset.StandardCharsets;

/**
 * Sequential little-endian reads over a byte source, buffered in chunks, that never read past the
 * end: every read first checks the bytes are there and otherwise throws a {@link GgufException}
 * naming what was being read and where.
 */
final class HeaderCursor {
    private static final int CHUNK = 1 << 16;

    private final ByteSource source;
    private final long size;
    private final byte[] buffer = new byte[CHUNK];
    private long bufferStart;
    private int bufferLength;
    private long position;

    HeaderCursor(ByteSource source) {
        this.source = source;
        this.size = source.size();
    }

    long position() {
        return position;
    }

    long remaining() {
        return size - position;
    }

    GgufException error(long at, String problem) {
        return new GgufException(source.name(), at, problem);
    }

    private int need(int n, String what) {
        if (remaining() < n) {
            throw error(position, "file ends while reading " + what + " (needs " + n + " bytes, "
                    + remaining() + " left)");
        }
        if (position < bufferStart || position + n > bufferStart + bufferLength) {
            bufferStart = position;
            bufferLength = (int) Math.min(CHUNK, size - position);
            source.read(bufferStart, buffer, 0, bufferLength);
        }
        int at = (int) (position - bufferStart);
        position += n;
        return at;
    }

    byte u8(String what) {
        return buffer[need(1, what)];
    }

    short u16(String what) {
        return LittleEndian.getShort(buffer, need(2, what));
    }

    int u32(String what) {
        return LittleEndian.getInt(buffer, need(4, what));
    }

    long u64(String what) {
        return LittleEndian.getLong(buffer, need(8, what));
    }

    /** A length or count that must be non-negative and fit what is left of the file. */
    long count(String what, int minBytesEach) {
        return count(what, -1, "", minBytesEach);
    }

    /** As {@link #count(String, int)}, labelled {@code label(what, index) + suffix} in errors only. */
    private long count(String what, int index, String suffix, int minBytesEach) {
        long at = position;
        if (remaining() < 8) {
            need(8, label(what, index) + suffix); // throws: the file ends here
        }
        long n = u64(what);
        if (n < 0 || (minBytesEach > 0 && n > remaining() / minBytesEach)) {
            throw error(at, label(what, index) + suffix + " of " + Long.toUnsignedString(n) + " cannot fit in the "
                    + remaining() + " bytes left in the file");
        }
        return n;
    }

    String string(String what) {
        return string(what, -1);
    }

    /**
     * A string; {@code index} >= 0 makes it element {@code index} of the array {@code what}. The label is
     * built only for an error: a vocabulary has tens of thousands of strings, and building two labels
     * each was most of the time of reading a small model's header.
     */
    String string(String what, int index) {
        long at = position;
        long length = count(what, index, " length", 1);
        if (length > Integer.MAX_VALUE - 8) {
            throw error(at, label(what, index) + " of " + length + " bytes is too long");
        }
        byte[] bytes = new byte[(int) length];
        int done = 0;
        while (done < length) {
            int n = (int) Math.min(CHUNK, length - done);
            int i = need(n, what); // cannot fail: count checked the length against the file
            System.arraycopy(buffer, i, bytes, done, n);
            done += n;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String label(String what, int index) {
        return index < 0 ? what : what + "[" + index + "]";
    }
}
