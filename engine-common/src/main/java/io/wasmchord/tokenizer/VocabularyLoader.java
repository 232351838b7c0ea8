package io.wasmchord.tokenizer;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a vocabulary from GGUF metadata with llama.cpp's defaults and fix-ups (llama_vocab::impl::load):
 * per-model default special ids, pre-tokenizer switches, special-token detection by text, end-of-generation
 * tokens, and the model-specific token attributes.
 */
final class VocabularyLoader {
    private static final String KEY = "tokenizer.ggml.";

    private VocabularyLoader() {
    }

    static Vocabulary load(GgufFile gguf) {
        String model = requireString(gguf, KEY + "model");
        String pre = gguf.has(KEY + "pre") ? requireString(gguf, KEY + "pre") : "";
        Vocabulary.Kind kind = switch (model) {
            case "llama" -> Vocabulary.Kind.SPM;
            case "gpt2" -> Vocabulary.Kind.BPE;
            case "bert" -> Vocabulary.Kind.WPM;
            case "no_vocab", "none" -> throw new TokenizerException(gguf.name() + " has no vocabulary (tokenizer.ggml.model = \""
                    + model + "\")");
            default -> throw new TokenizerException("tokenizer model \"" + model + "\" (tokenizer.ggml.model in "
                    + gguf.name() + ") is not supported; supported: llama (SentencePiece), gpt2 (byte-level BPE), bert (WordPiece)");
        };

        String[] texts = tokenTexts(gguf);
        int n = texts.length;
        float[] scores = scores(gguf, n);
        int[] attrs = attributes(gguf, n);
        Vocabulary v = new Vocabulary(kind, model, texts, scores, attrs);
        indexTexts(gguf, v);

        switch (kind) {
            case SPM -> {
                v.bos = 1;
                v.eos = 2;
                v.unk = 0;
                v.addSpacePrefix = true;
                v.addBos = true;
            }
            case WPM -> {
                v.bos = 101;
                v.unk = 100;
                v.sep = 102;
                v.pad = 0;
                v.mask = 103;
                v.addBos = true;
                v.addSep = true;
                v.cleanSpaces = true;
            }
            case BPE -> {
                v.bos = 11;
                v.eos = 11;
                BpePreset preset = BpePreset.forName(pre);
                v.preset = preset;
                v.preTokenizer = new PreTokenizer(preset.expressions());
                v.cleanSpaces = preset.cleanSpaces();
                v.ignoreMerges = preset.ignoreMerges();
                v.addBos = preset.addBos();
                if (preset.noBos()) {
                    v.bos = Vocabulary.NONE;
                }
                v.mergeRanks = mergeRanks(gguf);
            }
        }
        v.addSpacePrefix = gguf.getBool(KEY + "add_space_prefix", v.addSpacePrefix);

        for (int id = 0; id < n; id++) {
            v.maxTokenBytes = Math.max(v.maxTokenBytes, Utf8.encode(texts[id]).length);
        }

        v.bos = specialId(gguf, "bos_token_id", v.bos, n);
        v.eos = specialId(gguf, "eos_token_id", v.eos, n);
        v.eot = specialId(gguf, "eot_token_id", v.eot, n);
        v.eom = specialId(gguf, "eom_token_id", v.eom, n);
        v.unk = specialId(gguf, "unknown_token_id", v.unk, n);
        v.sep = specialId(gguf, "seperator_token_id", v.sep, n);
        v.pad = specialId(gguf, "padding_token_id", v.pad, n);
        v.mask = specialId(gguf, "mask_token_id", v.mask, n);

        v.addBos = gguf.getBool(KEY + "add_bos_token", v.addBos);
        v.addEos = gguf.getBool(KEY + "add_eos_token", v.addEos);
        v.addSep = gguf.getBool(KEY + "add_sep_token", v.addSep);
        requireIfAdded(v.addBos, v.bos, "add_bos_token", "bos_token_id");
        requireIfAdded(v.addEos, v.eos, "add_eos_token", "eos_token_id");
        requireIfAdded(v.addSep, v.sep, "add_sep_token", "seperator_token_id");

        v.lowercase = gguf.getBool(KEY + "normalizer.lowercase", true);
        v.stripAccents = gguf.getBool(KEY + "normalizer.strip_accents", v.lowercase);

        detectSpecialTokens(gguf, v);
        v.specialTokens = specialTokens(v);
        applyModelAttributes(gguf, v);
        v.pieces = new byte[n][];
        for (int id = 0; id < n; id++) {
            v.pieces[id] = Pieces.of(v, id);
        }
        v.linefeed = linefeed(v);
        return v;
    }

    private static String requireString(GgufFile gguf, String key) {
        GgufValue value = gguf.require(key);
        if (value.type() != GgufValueType.STRING) {
            throw new TokenizerException(key + " in " + gguf.name() + " is a " + value.type().typeName()
                    + ", not a string");
        }
        return value.asString();
    }

    private static String[] tokenTexts(GgufFile gguf) {
        GgufValue tokens = gguf.get(KEY + "tokens");
        if (tokens == null) {
            throw new TokenizerException(gguf.name() + " has no vocabulary (" + KEY + "tokens is missing)");
        }
        if (!tokens.isArray() || tokens.elementType() != GgufValueType.STRING) {
            throw new TokenizerException(KEY + "tokens in " + gguf.name() + " is not an array of strings");
        }
        String[] texts = tokens.asStringArray().clone();
        for (int i = 0; i < texts.length; i++) {
            if (texts[i].isEmpty()) {
                texts[i] = "[EMPTY_" + i + "]"; // as llama.cpp names empty tokens
            }
        }
        return texts;
    }

    private static float[] scores(GgufFile gguf, int n) {
        GgufValue value = gguf.get(KEY + "scores");
        float[] scores = new float[n];
        if (value == null) {
            return scores;
        }
        if (!value.isArray() || (value.elementType() != GgufValueType.FLOAT32
                && value.elementType() != GgufValueType.INT32)) {
            throw new TokenizerException(KEY + "scores in " + gguf.name() + " is not an array of float32 or int32");
        }
        if (value.length() < n) {
            throw new TokenizerException(KEY + "scores in " + gguf.name() + " has " + value.length()
                    + " entries for " + n + " tokens");
        }
        if (value.elementType() == GgufValueType.FLOAT32) {
            System.arraycopy(value.asFloatArray(), 0, scores, 0, n);
        } else {
            int[] s = value.asIntArray();
            for (int i = 0; i < n; i++) {
                scores[i] = s[i];
            }
        }
        return scores;
    }

    private static int[] attributes(GgufFile gguf, int n) {
        int[] attrs = new int[n];
        GgufValue value = gguf.get(KEY + "token_type");
        if (value == null) {
            Arrays.fill(attrs, TokenAttr.NORMAL);
            return attrs;
        }
        if (!value.isArray() || value.elementType() != GgufValueType.INT32) {
            throw new TokenizerException(KEY + "token_type in " + gguf.name() + " is not an array of int32");
        }
        if (value.length() < n) {
            throw new TokenizerException(KEY + "token_type in " + gguf.name() + " has " + value.length()
                    + " entries for " + n + " tokens");
        }
        int[] types = value.asIntArray();
        for (int i = 0; i < n; i++) {
            attrs[i] = TokenAttr.fromTokenType(types[i]);
        }
        return attrs;
    }

    private static void indexTexts(GgufFile gguf, Vocabulary v) {
        for (int id = 0; id < v.size(); id++) {
            Integer previous = v.ids.putIfAbsent(v.texts[id], id);
            // Texts read as invalid UTF-8 may collide only because they became U+FFFD; keep the first then.
            if (previous != null && v.texts[id].indexOf('\uFFFD') < 0) {
                throw new TokenizerException("duplicate token in the vocabulary of " + gguf.name() + ": \""
                        + v.texts[id] + "\" has ids " + previous + " and " + id);
            }
        }
    }

    private static Map<String, Integer> mergeRanks(GgufFile gguf) {
        GgufValue value = gguf.get(KEY + "merges");
        if (value == null) {
            throw new TokenizerException(gguf.name() + " is a BPE vocabulary without " + KEY + "merges");
        }
        if (!value.isArray() || value.elementType() != GgufValueType.STRING) {
            throw new TokenizerException(KEY + "merges in " + gguf.name() + " is not an array of strings");
        }
        String[] merges = value.asStringArray();
        Map<String, Integer> ranks = new HashMap<>(merges.length * 2);
        for (int i = 0; i < merges.length; i++) {
            // llama.cpp splits at the first space after the first character; a merge without one pairs "" and ""
            String m = merges[i];
            int space = m.length() > 1 ? m.indexOf(' ', 1) : -1;
            String key = space < 0 ? " " : m.substring(0, space) + " " + m.substring(space + 1);
            ranks.putIfAbsent(key, i);
        }
        return ranks;
    }

    private static int specialId(GgufFile gguf, String name, int fallback, int n) {
        int id = fallback >= n ? Vocabulary.NONE : fallback;
        GgufValue value = gguf.get(KEY + name);
        if (value == null) {
            return id;
        }
        long v;
        try {
            v = value.asLong();
        } catch (IllegalStateException e) {
            throw new TokenizerException(KEY + name + " in " + gguf.name() + " is not an integer");
        }
        // llama.cpp reads these as uint32 and keeps the default for ids outside the vocabulary (-1 included)
        v &= 0xFFFFFFFFL;
        return v < n ? (int) v : id;
    }

    private static void requireIfAdded(boolean added, int id, String addKey, String idKey) {
        if (added && id == Vocabulary.NONE) {
            throw new TokenizerException(KEY + addKey + " is true, but " + KEY + idKey + " is not set");
        }
    }

    /** llama.cpp finds end-of-turn and end-of-generation tokens by their text and makes them CONTROL. */
    private static void detectSpecialTokens(GgufFile gguf, Vocabulary v) {
        Set<String> eotTexts = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<\uFF5Cend\u2581of\u2581sentence\uFF5C>",
                "<end_of_utterance>");
        Set<String> eogTexts = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
                "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]",
                "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
                "<\uFF5Cend\u2581of\u2581sentence\uFF5C>", "[e~[");
        int n = v.size();
        for (int id = 0; id < n; id++) {
            String t = v.texts[id];
            if (v.eot == Vocabulary.NONE && eotTexts.contains(t)) {
                v.eot = id;
                v.attrs[id] |= TokenAttr.CONTROL;
            }
            if (v.eom == Vocabulary.NONE && t.equals("<|eom_id|>")) {
                v.eom = id;
                v.attrs[id] |= TokenAttr.CONTROL;
            }
        }
        for (int id = 0; id < n; id++) {
            if (v.has(id, TokenAttr.CONTROL) && !v.has(id, TokenAttr.UNUSED) && v.texts[id].contains("unused")) {
                v.attrs[id] |= TokenAttr.UNUSED;
            }
        }
        Set<Integer> eog = new LinkedHashSet<>();
        for (int id = 0; id < n; id++) {
            if (eogTexts.contains(v.texts[id])) {
                eog.add(id);
                v.attrs[id] |= TokenAttr.CONTROL;
            }
        }
        for (String t : List.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>")) {
            int id = v.id(t);
            if (id != Vocabulary.NONE) {
                v.attrs[id] = TokenAttr.USER_DEFINED; // llama.cpp always renders gpt-oss's channel markup
            }
        }
        for (int id : new int[] {v.eos, v.eot, v.eom}) {
            if (id != Vocabulary.NONE) {
                eog.add(id);
            }
        }
        removeFromGenerationEnd(v, eog);
        v.endOfGeneration = Set.copyOf(eog);
    }

    /** llama.cpp's workarounds: gpt-oss's "<|end|>" and gemma 4's "</s>" do not end generation. */
    private static void removeFromGenerationEnd(Vocabulary v, Set<Integer> eog) {
        Set<String> texts = new LinkedHashSet<>();
        for (int id : eog) {
            texts.add(v.texts[id]);
        }
        boolean call = texts.contains("<|call|>") || texts.contains("<|calls|>");
        if ((texts.contains("<|return|>") && call || call && texts.contains("<|flush|>")) && texts.contains("<|end|>")) {
            int end = v.id("<|end|>");
            eog.remove(end);
            v.attrs[end] = TokenAttr.USER_DEFINED;
        }
        if (texts.contains("<|tool_response>") && texts.contains("</s>")) {
            int s = v.id("</s>");
            eog.remove(s);
            v.attrs[s] = TokenAttr.NORMAL;
        }
    }

    private static int[] specialTokens(Vocabulary v) {
        List<Integer> special = new ArrayList<>();
        int[] byteLength = new int[v.size()];
        for (int id = 0; id < v.size(); id++) {
            if (v.has(id, TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN)) {
                special.add(id);
                byteLength[id] = Utf8.encode(v.texts[id]).length;
            }
        }
        special.sort(Comparator.comparingInt((Integer id) -> -byteLength[id]).thenComparingInt(id -> id));
        int[] out = new int[special.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = special.get(i);
        }
        return out;
    }

    /** Strip flags llama.cpp sets by model name, since GGUF has no per-token attributes for them. */
    private static void applyModelAttributes(GgufFile gguf, Vocabulary v) {
        String name = gguf.getString("general.name", "").toLowerCase(Locale.ROOT);
        String pre = gguf.getString(KEY + "pre", "");
        String arch = gguf.getString("general.architecture", "");
        if (pre.contains("jina-v2-de") || pre.contains("jina-v2-es") || pre.contains("jina-v2-code")
                || arch.contains("nomic-bert-moe") || arch.contains("jina-bert-v3")) {
            setAttr(v, "<mask>", TokenAttr.LSTRIP, true);
        } else if (name.contains("phi-3") || name.contains("phi3")) {
            for (int id : v.specialTokens) {
                v.attrs[id] |= TokenAttr.RSTRIP;
            }
            setAttr(v, "</s>", TokenAttr.RSTRIP, true);
            for (String t : List.of("<unk>", "<s>", "<|endoftext|>")) {
                setAttr(v, t, TokenAttr.RSTRIP, false);
            }
        } else if (name.contains("modern-bert")) {
            setAttr(v, "[MASK]", TokenAttr.LSTRIP, true);
        }
    }

    private static void setAttr(Vocabulary v, String text, int attr, boolean on) {
        int id = v.id(text);
        if (id == Vocabulary.NONE) {
            return;
        }
        v.attrs[id] = on ? v.attrs[id] | attr : v.attrs[id] & ~attr;
    }

    private static int linefeed(Vocabulary v) {
        return switch (v.kind) {
            case SPM -> {
                int id = v.id(Vocabulary.byteTokenText('\n'));
                if (id == Vocabulary.NONE) {
                    id = v.id("\n");
                }
                yield id == Vocabulary.NONE ? v.pad : id;
            }
            case WPM -> v.pad;
            case BPE -> {
                int id = v.id(String.valueOf(ByteLevel.encode('\n')));
                yield id == Vocabulary.NONE ? v.pad : id;
            }
        };
    }
}
