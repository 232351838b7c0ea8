package io.wasmchord.convert;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteSource;
import io.wasmchord.io.LittleEndian;
import java.nio.charset.StandardCharsets;

/**
 * The vocabulary for a llama2.c model, as llama.cpp's converter builds it: from a llama2.c
 * {@code tokenizer.bin} (int32 max_token_length, then per token float32 score, int32 length, bytes;
 * ids 0/1/2 become {@code <unk>}/{@code <s>}/{@code </s>}, spaces become U+2581, {@code <0xNN>}
 * tokens are byte tokens), or copied from a GGUF file's llama tokenizer.
 */
public record Llama2cVocab(String[] tokens, float[] scores, int[] types) {
    public static final int TYPE_NORMAL = 1;
    public static final int TYPE_UNKNOWN = 2;
    public static final int TYPE_CONTROL = 3;
    public static final int TYPE_BYTE = 6;

    public static Llama2cVocab read(ByteSource source, int vocabSize) {
        if (source.size() >= 4 && source.get(0) == 'G' && source.get(1) == 'G' && source.get(2) == 'U' && source.get(3) == 'F') {
            return fromGguf(GgufFile.open(source), vocabSize);
        }
        byte[] all = new byte[Math.toIntExact(source.size())];
        source.read(0, all, 0, all.length);
        String[] tokens = new String[vocabSize];
        float[] scores = new float[vocabSize];
        int[] types = new int[vocabSize];
        int at = 4;
        for (int id = 0; id < vocabSize; id++) {
            if (at + 8 > all.length) {
                throw new IllegalArgumentException(source.name() + ": ends in token " + id + " of " + vocabSize
                        + " (is it the tokenizer of this model?)");
            }
            scores[id] = LittleEndian.getFloat(all, at);
            int len = LittleEndian.getInt(all, at + 4);
            at += 8;
            if (len < 0 || len > all.length - at) {
                throw new IllegalArgumentException(source.name() + ": token " + id + " at byte " + (at - 4)
                        + " has a bad length " + len);
            }
            String text = new String(all, at, len, StandardCharsets.UTF_8);
            at += len;
            int type;
            if (id == 0) {
                text = "<unk>";
                type = TYPE_UNKNOWN;
            } else if (id == 1) {
                text = "<s>";
                type = TYPE_CONTROL;
            } else if (id == 2) {
                text = "</s>";
                type = TYPE_CONTROL;
            } else if (text.isEmpty()) {
                type = TYPE_CONTROL;
            } else if (isByteToken(text)) {
                type = TYPE_BYTE;
            } else {
                type = TYPE_NORMAL;
            }
            tokens[id] = text.replace(' ', '\u2581');
            types[id] = type;
        }
        return new Llama2cVocab(tokens, scores, types);
    }

    /** What sscanf("<0x%02hhX>") accepts: "<0x" and at least one hex digit. */
    private static boolean isByteToken(String t) {
        return t.startsWith("<0x") && t.length() > 3 && Character.digit(t.charAt(3), 16) >= 0;
    }

    private static Llama2cVocab fromGguf(GgufFile gguf, int vocabSize) {
        String model = gguf.getString("tokenizer.ggml.model", null);
        if (!"llama".equals(model)) {
            throw new IllegalArgumentException(gguf.name() + ": tokenizer.ggml.model is " + model + ", not llama");
        }
        String[] tokens = gguf.require("tokenizer.ggml.tokens").asStringArray();
        if (tokens.length != vocabSize) {
            throw new IllegalArgumentException("vocab size mismatch: " + gguf.name() + " has " + tokens.length
                    + " tokens, the checkpoint " + vocabSize);
        }
        return new Llama2cVocab(tokens, gguf.require("tokenizer.ggml.scores").asFloatArray(),
                gguf.require("tokenizer.ggml.token_type").asIntArray());
    }
}
