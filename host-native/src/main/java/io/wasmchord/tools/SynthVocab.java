package io.wasmchord.tools;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A SentencePiece ("llama") vocabulary of exactly the shape's size, as tokenizer.ggml.* metadata: either
 * byte-level (unk, bos, eos, the 256 byte tokens) or copied from another GGUF file, then padded with
 * unused tokens up to the size the real model has.
 */
public final class SynthVocab {
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int UNUSED = 5;
    private static final int BYTE = 6;

    private SynthVocab() {
    }

    /** The byte-level vocabulary: every text still tokenizes, through byte fallback. */
    public static Map<String, GgufValue> byteLevel(int size) {
        int base = 3 + 256;
        check(size, base);
        String[] tokens = new String[size];
        float[] scores = new float[size];
        int[] types = new int[size];
        tokens[0] = "<unk>";
        types[0] = UNKNOWN;
        tokens[1] = "<s>";
        types[1] = CONTROL;
        tokens[2] = "</s>";
        types[2] = CONTROL;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = BYTE;
        }
        pad(tokens, scores, types, base);
        return metadata(tokens, scores, types, 0, 1, 2);
    }

    /** The vocabulary of {@code source} (a llama-tokenizer GGUF), padded to {@code size}. */
    public static Map<String, GgufValue> copiedFrom(GgufFile source, int size) {
        String model = source.getString("tokenizer.ggml.model", "");
        if (!model.equals("llama")) {
            throw new IllegalArgumentException(source.name() + ": tokenizer.ggml.model is \"" + model
                    + "\"; only SentencePiece (\"llama\") vocabularies can be copied");
        }
        String[] from = source.require("tokenizer.ggml.tokens").asStringArray();
        check(size, from.length);
        String[] tokens = new String[size];
        float[] scores = new float[size];
        int[] types = new int[size];
        System.arraycopy(from, 0, tokens, 0, from.length);
        float[] fromScores = source.has("tokenizer.ggml.scores") ? source.get("tokenizer.ggml.scores").asFloatArray() : null;
        int[] fromTypes = source.has("tokenizer.ggml.token_type") ? source.get("tokenizer.ggml.token_type").asIntArray() : null;
        for (int i = 0; i < from.length; i++) {
            scores[i] = fromScores == null ? 0f : fromScores[i];
            types[i] = fromTypes == null ? NORMAL : fromTypes[i];
        }
        pad(tokens, scores, types, from.length);
        return metadata(tokens, scores, types,
                source.getInt("tokenizer.ggml.unknown_token_id", 0),
                source.getInt("tokenizer.ggml.bos_token_id", 1),
                source.getInt("tokenizer.ggml.eos_token_id", 2));
    }

    private static void check(int size, int needed) {
        if (size < needed) {
            throw new IllegalArgumentException("vocabulary of " + needed + " tokens does not fit the shape's " + size);
        }
    }

    /** Unused tokens with distinct names no text can merge into, scored below everything real. */
    private static void pad(String[] tokens, float[] scores, int[] types, int from) {
        for (int i = from; i < tokens.length; i++) {
            tokens[i] = "<unused" + (i - from) + ">";
            scores[i] = -1e9f;
            types[i] = UNUSED;
        }
    }

    private static Map<String, GgufValue> metadata(String[] tokens, float[] scores, int[] types, int unk, int bos, int eos) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.of("llama"));
        m.put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens));
        m.put("tokenizer.ggml.scores", GgufValue.ofFloats(scores));
        m.put("tokenizer.ggml.token_type", GgufValue.ofInts(types));
        m.put("tokenizer.ggml.unknown_token_id", GgufValue.ofUint32(unk));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(bos));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.ofUint32(eos));
        return m;
    }
}
