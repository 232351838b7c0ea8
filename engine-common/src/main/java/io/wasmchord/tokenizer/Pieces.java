package io.wasmchord.tokenizer;

/** What one token detokenizes to, special tokens rendered (llama.cpp's token_to_piece cache). */
final class Pieces {
    private static final int SPECIAL = TokenAttr.UNKNOWN | TokenAttr.CONTROL;

    private Pieces() {
    }

    static byte[] of(Vocabulary v, int id) {
        String text = v.texts[id];
        int attr = v.attrs[id];
        if ((attr & (SPECIAL | TokenAttr.USER_DEFINED)) != 0) {
            return Utf8.encode(text);
        }
        if ((attr & TokenAttr.NORMAL) != 0) {
            if (v.kind == Vocabulary.Kind.BPE) {
                return byteLevelDecode(text);
            }
            return Utf8.encode(text.replace('\u2581', ' '));
        }
        if ((attr & TokenAttr.BYTE) != 0) {
            return new byte[] {(byte) v.tokenByte(id)};
        }
        return new byte[0]; // unused and undefined tokens render as nothing, as in llama.cpp
    }

    /** The bytes a byte-level BPE token spells (llama.cpp's llama_decode_text). */
    static byte[] byteLevelDecode(String text) {
        Utf8.ByteBuffer out = new Utf8.ByteBuffer();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                out.add(b);
            } else {
                // a character outside the byte alphabet: llama.cpp writes a marker naming it
                StringBuilder marker = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : Utf8.encode(Utf8.string(cp))) {
                    String hex = Integer.toHexString(u & 0xFF);
                    marker.append(hex.length() == 1 ? "0" : "").append(hex);
                }
                out.add(Utf8.encode(marker.append(text).append(']').toString()));
            }
        }
        return out.toArray();
    }

    /** A piece as detokenizing shows it: control and unknown tokens vanish unless rendered. */
    static byte[] shown(Vocabulary v, int id, boolean renderSpecial) {
        if (!renderSpecial && (v.attrs[id] & SPECIAL) != 0) {
            return new byte[0];
        }
        return v.pieces[id];
    }
}
