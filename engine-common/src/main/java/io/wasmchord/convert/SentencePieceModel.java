package io.wasmchord.convert;

import io.wasmchord.io.LittleEndian;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pieces of a SentencePiece {@code tokenizer.model}: a protobuf ModelProto whose field 1 repeats
 * SentencePiece messages (1: piece, 2: score, 3: type). Only that much protobuf is decoded; other
 * fields are skipped by wire type.
 */
public final class SentencePieceModel {
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    public record Piece(String text, float score, int type) {
    }

    private final List<Piece> pieces;

    private SentencePieceModel(List<Piece> pieces) {
        this.pieces = pieces;
    }

    public List<Piece> pieces() {
        return pieces;
    }

    public static SentencePieceModel parse(byte[] b, String name) {
        List<Piece> pieces = new ArrayList<>();
        Reader r = new Reader(b, 0, b.length, name);
        while (r.more()) {
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 2) {
                int len = r.length();
                pieces.add(piece(new Reader(b, r.pos, r.pos + len, name)));
                r.pos += len;
            } else {
                r.skip(wire);
            }
        }
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException(name + ": no pieces found; is it a SentencePiece model?");
        }
        return new SentencePieceModel(pieces);
    }

    private static Piece piece(Reader r) {
        String text = "";
        float score = 0;
        int type = NORMAL;
        while (r.more()) {
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 2) {
                int len = r.length();
                text = new String(r.b, r.pos, len, StandardCharsets.UTF_8);
                r.pos += len;
            } else if (field == 2 && wire == 5) {
                r.need(4);
                score = LittleEndian.getFloat(r.b, r.pos);
                r.pos += 4;
            } else if (field == 3 && wire == 0) {
                type = (int) r.varint();
            } else {
                r.skip(wire);
            }
        }
        return new Piece(text, score, type);
    }

    /** Protobuf wire-format cursor over {@code b[pos, end)}. */
    private static final class Reader {
        final byte[] b;
        int pos;
        final int end;
        final String name;

        Reader(byte[] b, int pos, int end, String name) {
            this.b = b;
            this.pos = pos;
            this.end = end;
            this.name = name;
        }

        boolean more() {
            return pos < end;
        }

        void need(int n) {
            if (n < 0 || n > end - pos) {
                throw new IllegalArgumentException(name + ": truncated protobuf at byte " + pos);
            }
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if (x < 0x80) {
                    return v;
                }
            }
            throw new IllegalArgumentException(name + ": bad varint at byte " + pos);
        }

        int length() {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new IllegalArgumentException(name + ": field length " + n + " runs past the end at byte " + pos);
            }
            return (int) n;
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> {
                    need(8);
                    pos += 8;
                }
                case 2 -> {
                    int n = length(); // not "pos += length()": that reads pos before length() moves it
                    pos += n;
                }
                case 5 -> {
                    need(4);
                    pos += 4;
                }
                default -> throw new IllegalArgumentException(name + ": unsupported protobuf wire type " + wire
                        + " at byte " + pos);
            }
        }
    }
}
