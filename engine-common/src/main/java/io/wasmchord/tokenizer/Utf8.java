package io.wasmchord.tokenizer;

import java.nio.charset.StandardCharsets;

/** UTF-8 helpers; lone surrogates in Java strings become U+FFFD, as the JDK encoder does. */
final class Utf8 {
    private Utf8() {
    }

    /** One code point as a string (TeaVM has no Character.toString(int)). */
    static String string(int cp) {
        return new String(Character.toChars(cp));
    }

    static byte[] encode(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static int encodedLength(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    static void append(ByteBuffer out, int cp) {
        if (cp < 0x80) {
            out.add(cp);
        } else if (cp < 0x800) {
            out.add(0xC0 | (cp >> 6));
            out.add(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out.add(0xE0 | (cp >> 12));
            out.add(0x80 | ((cp >> 6) & 0x3F));
            out.add(0x80 | (cp & 0x3F));
        } else {
            out.add(0xF0 | (cp >> 18));
            out.add(0x80 | ((cp >> 12) & 0x3F));
            out.add(0x80 | ((cp >> 6) & 0x3F));
            out.add(0x80 | (cp & 0x3F));
        }
    }

    /** How many bytes the sequence led by {@code lead} has (llama.cpp's unicode_len_utf8). */
    static int sequenceLength(int lead) {
        int high = (lead & 0xFF) >> 4;
        return high < 0xC ? 1 : high < 0xE ? 2 : high == 0xE ? 3 : 4;
    }

    /** A growable byte array. */
    static final class ByteBuffer {
        private byte[] bytes = new byte[64];
        private int size;

        void add(int b) {
            if (size == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, size * 2);
            }
            bytes[size++] = (byte) b;
        }

        void add(byte[] b) {
            add(b, 0, b.length);
        }

        void add(byte[] b, int from, int length) {
            while (size + length > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
            }
            System.arraycopy(b, from, bytes, size, length);
            size += length;
        }

        int size() {
            return size;
        }

        byte get(int i) {
            return bytes[i];
        }

        void set(int i, byte b) {
            bytes[i] = b;
        }

        void truncate(int newSize) {
            size = Math.min(size, newSize);
        }

        /** Removes the first {@code n} bytes. */
        void dropFront(int n) {
            System.arraycopy(bytes, n, bytes, 0, size - n);
            size -= n;
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(bytes, size);
        }

        String decode(int length) {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }
}
