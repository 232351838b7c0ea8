package io.wasmchord.convert;

import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufValueType;
import io.wasmchord.json.JsonException;
import io.wasmchord.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tokenizer metadata llama.cpp's convert_hf_to_gguf.py writes for a Llama-family directory:
 * from tokenizer.model (SentencePiece, "llama"), else from tokenizer.json — a byte-fallback BPE
 * converted from SentencePiece ("llama") or a byte-level BPE ("gpt2", with merges) — then the
 * special token ids, add_bos/add_eos and the chat template.
 */
public final class HfVocab {
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;

    private static final String[] SPECIAL_TYPES = {"bos", "eos", "unk", "sep", "pad", "cls", "mask"};
    private static final Map<String, String> GGUF_ID_KEYS = Map.of("bos", "tokenizer.ggml.bos_token_id",
            "eos", "tokenizer.ggml.eos_token_id", "unk", "tokenizer.ggml.unknown_token_id",
            "sep", "tokenizer.ggml.seperator_token_id", "pad", "tokenizer.ggml.padding_token_id",
            "cls", "tokenizer.ggml.cls_token_id", "mask", "tokenizer.ggml.mask_token_id");
    /** Qwen2's split pattern (Llama 3's with single digits); llama.cpp calls it "qwen2". */
    private static final String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** Llama 3's pre-tokenizer split pattern; llama.cpp calls it "llama-bpe". */
    private static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private HfVocab() {
    }

    /**
     * @param vocabSize the embedding rows (config vocab_size); the list is padded with [PADn] to it
     * @param pre       tokenizer.ggml.pre to write for a byte-level BPE, or null to recognise it
     */
    public static Map<String, GgufValue> metadata(HfModelFiles files, int vocabSize, String pre) {
        Map<String, GgufValue> out = new LinkedHashMap<>();
        boolean loadMerges = false;
        int nTokens;
        if (files.sentencePiece() != null) {
            nTokens = sentencePiece(files, vocabSize, out);
        } else if (files.tokenizerJson() != null && isLlamaBpe(files.tokenizerJson())) {
            nTokens = llamaHf(files, vocabSize, out);
        } else if (files.tokenizerJson() != null) {
            nTokens = gpt2(files, vocabSize, pre, out);
            loadMerges = true;
        } else {
            throw new IllegalArgumentException(files.name() + ": no tokenizer.model or tokenizer.json");
        }
        special(files, nTokens, loadMerges, out);
        return out;
    }

    // ---- SentencePiece (tokenizer.model) ----

    private static int sentencePiece(HfModelFiles files, int vocabSize, Map<String, GgufValue> out) {
        List<SentencePieceModel.Piece> pieces = SentencePieceModel.parse(files.sentencePiece(), files.name() + "/tokenizer.model").pieces();
        int n = vocabSize > 0 ? vocabSize : pieces.size();
        String[] tokens = new String[n];
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = "[PAD" + i + "]";
            scores[i] = -10000.0f;
            types[i] = UNUSED;
        }
        for (int id = 0; id < Math.min(n, pieces.size()); id++) {
            SentencePieceModel.Piece p = pieces.get(id);
            tokens[id] = p.text();
            scores[id] = p.score();
            // sentencepiece's IsUnknown / IsControl / IsUnused / IsByte; user-defined pieces count as normal
            types[id] = switch (p.type()) {
                case SentencePieceModel.UNKNOWN -> UNKNOWN;
                case SentencePieceModel.CONTROL -> CONTROL;
                case SentencePieceModel.UNUSED -> UNUSED;
                case SentencePieceModel.BYTE -> BYTE;
                default -> NORMAL;
            };
        }
        if (files.addedTokens() != null) {
            for (Map.Entry<String, Object> e : files.addedTokens().map().entrySet()) {
                if (e.getValue() instanceof Long id && id >= 0 && id < n) {
                    tokens[id.intValue()] = e.getKey();
                    scores[id.intValue()] = -1000.0f;
                    types[id.intValue()] = USER_DEFINED;
                }
            }
        }
        JsonObject decoder = files.tokenizerConfig() == null ? null : files.tokenizerConfig().object("added_tokens_decoder");
        if (decoder != null) {
            for (Map.Entry<String, Object> e : decoder.map().entrySet()) {
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new JsonException(decoder.where() + ": token id \"" + e.getKey() + "\" is not a number");
                }
                JsonObject data = decoder.object(e.getKey());
                String content = data.requireString("content");
                if (id < 0 || id >= n) {
                    continue;
                }
                if (data.bool("special", false) || looksSpecial(content)) {
                    types[id] = CONTROL;
                } else {
                    content = content.replace('\u2581', ' ');
                    types[id] = USER_DEFINED;
                }
                scores[id] = -1000.0f;
                tokens[id] = content;
            }
        }
        putTokens(out, "llama", "default", tokens, scores, types);
        return n;
    }

    // ---- tokenizer.json ----

    /** A byte-fallback BPE with a Sequence decoder: a SentencePiece vocabulary in HF's fast form. */
    private static boolean isLlamaBpe(JsonObject tj) {
        JsonObject model = tj.object("model");
        if (model == null) {
            throw new JsonException(tj.where() + ": missing \"model\"");
        }
        JsonObject decoder = tj.object("decoder");
        return "BPE".equals(model.string("type", null)) && model.bool("byte_fallback", false)
                && decoder != null && "Sequence".equals(decoder.string("type", null));
    }

    private record AddedToken(int id, String content, boolean special, boolean normalized) {
    }

    private static List<AddedToken> addedTokens(JsonObject tj) {
        List<AddedToken> out = new ArrayList<>();
        List<Object> list = tj.array("added_tokens");
        if (list == null) {
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?>)) {
                throw new JsonException(tj.where() + ": added_tokens[" + i + "] is not an object");
            }
            @SuppressWarnings("unchecked")
            JsonObject a = new JsonObject((Map<String, Object>) list.get(i), tj.where() + " added_tokens[" + i + "]");
            out.add(new AddedToken(a.requireInt("id"), a.requireString("content"), a.bool("special", false),
                    a.bool("normalized", true)));
        }
        return out;
    }

    private static Map<Integer, String> baseVocab(JsonObject tj) {
        JsonObject vocab = tj.object("model").object("vocab");
        if (vocab == null) {
            throw new JsonException(tj.where() + ": model has no vocab");
        }
        Map<Integer, String> byId = new HashMap<>();
        for (Map.Entry<String, Object> e : vocab.map().entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
                throw new JsonException(vocab.where() + ": \"" + e.getKey() + "\" has a bad id " + e.getValue());
            }
            String prev = byId.put(id.intValue(), e.getKey());
            if (prev != null) {
                throw new JsonException(vocab.where() + ": id " + id + " is used twice");
            }
        }
        return byId;
    }

    /** The special tokens a HF tokenizer reports (bos/eos/unk/... and additional_special_tokens). */
    private static Set<String> specialTokenTexts(JsonObject config) {
        Set<String> out = new HashSet<>();
        if (config == null) {
            return out;
        }
        for (String typ : SPECIAL_TYPES) {
            String t = tokenText(config.get(typ + "_token"));
            if (t != null) {
                out.add(t);
            }
        }
        List<Object> extra = config.array("additional_special_tokens");
        if (extra != null) {
            for (Object o : extra) {
                String t = tokenText(o);
                if (t != null) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    private static String tokenText(Object entry) {
        if (entry instanceof String s) {
            return s;
        }
        if (entry instanceof Map<?, ?> m && m.get("content") instanceof String s) {
            return s;
        }
        return null;
    }

    /**
     * Like llama.cpp's LlamaHfVocab, except for the scores: it gives every token -1000, which makes
     * SentencePiece merges depend on position only; here a token made by a merge scores minus that
     * merge's rank, so llama.cpp's tokenizer merges in the order Hugging Face's does.
     */
    private static int llamaHf(HfModelFiles files, int vocabSize, Map<String, GgufValue> out) {
        JsonObject tj = files.tokenizerJson();
        Map<Integer, String> base = baseVocab(tj);
        List<AddedToken> added = addedTokens(tj);
        int baseSize = base.size();
        Set<String> specials = specialTokenTexts(files.tokenizerConfig());
        Map<String, Integer> mergeRank = mergeRanks(tj);
        List<String> tokens = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        Set<Integer> addedIds = new HashSet<>();
        for (AddedToken a : added) {
            if (a.id() >= baseSize) {
                addedIds.add(a.id());
            }
        }
        for (int id = 0; id < baseSize; id++) {
            if (addedIds.contains(id)) {
                continue;
            }
            String text = base.get(id);
            if (text == null) {
                throw new JsonException(tj.where() + ": the vocab has no token with id " + id);
            }
            tokens.add(text);
            Integer rank = mergeRank.get(text);
            scores.add(rank == null ? 0.0f : -1.0f - rank);
            types.add(isByteToken(text) ? BYTE : specials.contains(text) ? CONTROL : NORMAL);
        }
        added.sort((x, y) -> Integer.compare(x.id(), y.id()));
        for (AddedToken a : added) {
            if (a.id() < baseSize) {
                continue;
            }
            tokens.add(a.content());
            scores.add(-1000.0f);
            types.add(specials.contains(a.content()) ? CONTROL : USER_DEFINED);
        }
        padTo(vocabSize, tokens, scores, types);
        putTokens(out, "llama", "default", tokens.toArray(new String[0]), toFloats(scores), toInts(types));
        return tokens.size();
    }

    private static Map<String, Integer> mergeRanks(JsonObject tj) {
        Map<String, Integer> ranks = new HashMap<>();
        List<String> merges = merges(tj);
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.get(i);
            int sp = m.indexOf(' ');
            if (sp > 0) {
                ranks.putIfAbsent(m.substring(0, sp) + m.substring(sp + 1), i);
            }
        }
        return ranks;
    }

    /** Merges as "left right" strings; the pair form of transformers >= 4.45 is written the same way. */
    private static List<String> merges(JsonObject tj) {
        List<String> out = new ArrayList<>();
        List<Object> list = tj.object("model").array("merges");
        if (list == null) {
            return out;
        }
        for (Object o : list) {
            if (o instanceof String s) {
                out.add(s);
            } else if (o instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String a
                    && pair.get(1) instanceof String b) {
                // spaces inside a part are shifted by 256, as gguf-py does, so the separator stays unique
                out.add(shiftSpaces(a) + " " + shiftSpaces(b));
            } else {
                throw new JsonException(tj.where() + ": unknown merges format " + o);
            }
        }
        return out;
    }

    private static String shiftSpaces(String s) {
        return s.replace(' ', (char) (' ' + 256));
    }

    private static int gpt2(HfModelFiles files, int vocabSize, String pre, Map<String, GgufValue> out) {
        JsonObject tj = files.tokenizerJson();
        Map<Integer, String> byId = baseVocab(tj);
        Map<Integer, AddedToken> added = new HashMap<>();
        for (AddedToken a : addedTokens(tj)) {
            byId.put(a.id(), a.content());
            added.put(a.id(), a);
        }
        int maxId = 0;
        for (int id : byId.keySet()) {
            maxId = Math.max(maxId, id);
        }
        int n = vocabSize > 0 ? vocabSize : maxId + 1;
        if (maxId >= n) {
            throw new IllegalArgumentException(tj.where() + ": token id " + maxId + " is past vocab_size " + n);
        }
        String[] tokens = new String[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            if (t == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = UNUSED;
                continue;
            }
            AddedToken a = added.get(i);
            if (a != null) {
                if (a.special() || looksSpecial(t)) {
                    types[i] = CONTROL;
                } else {
                    t = t.replace('\u2581', ' ');
                    types[i] = USER_DEFINED;
                }
            } else {
                types[i] = NORMAL;
            }
            tokens[i] = t;
        }
        out.put("tokenizer.ggml.model", GgufValue.of("gpt2"));
        out.put("tokenizer.ggml.pre", GgufValue.of(pre != null ? pre : recognisePre(tj)));
        out.put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens));
        out.put("tokenizer.ggml.token_type", GgufValue.ofInts(types));
        return n;
    }

    /**
     * llama.cpp recognises pre-tokenizers by hashing the tokenization of a test text, which needs the
     * Hugging Face library; here the pre_tokenizer's split pattern is compared with the known ones.
     */
    private static String recognisePre(JsonObject tj) {
        JsonObject pt = tj.object("pre_tokenizer");
        String patterns = pt == null ? "" : String.valueOf(pt.map());
        if (patterns.contains(LLAMA3_PATTERN)) {
            return "llama-bpe";
        }
        if (patterns.contains(QWEN2_PATTERN)) {
            return "qwen2";
        }
        if (pt != null && "ByteLevel".equals(pt.string("type", null))) {
            return "gpt-2";
        }
        throw new IllegalArgumentException(tj.where() + ": unrecognised BPE pre-tokenizer " + patterns
                + "; name it with --pre (llama.cpp's names: llama-bpe, gpt-2, qwen2, ...)");
    }

    // ---- common ----

    private static boolean isByteToken(String t) {
        return t.length() == 6 && t.startsWith("<0x") && t.endsWith(">") && Character.digit(t.charAt(3), 16) >= 0
                && Character.digit(t.charAt(4), 16) >= 0;
    }

    /** convert_hf_to_gguf's does_token_look_special. */
    static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || (t.startsWith("<|") && t.endsWith("|>")) || (t.startsWith("<\uFF5C") && t.endsWith("\uFF5C>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }

    private static void padTo(int vocabSize, List<String> tokens, List<Float> scores, List<Integer> types) {
        for (int i = tokens.size(); i < vocabSize; i++) {
            tokens.add("[PAD" + i + "]");
            scores.add(-1000.0f);
            types.add(UNUSED);
        }
    }

    private static void putTokens(Map<String, GgufValue> out, String model, String pre, String[] tokens, float[] scores,
                                  int[] types) {
        out.put("tokenizer.ggml.model", GgufValue.of(model));
        out.put("tokenizer.ggml.pre", GgufValue.of(pre));
        out.put("tokenizer.ggml.tokens", GgufValue.ofStrings(tokens));
        out.put("tokenizer.ggml.scores", GgufValue.ofFloats(scores));
        out.put("tokenizer.ggml.token_type", GgufValue.ofInts(types));
    }

    private static float[] toFloats(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static int[] toInts(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /** gguf-py's SpecialVocab: merges, special ids (tokenizer_config first, then config.json), flags, template. */
    private static void special(HfModelFiles files, int nTokens, boolean loadMerges, Map<String, GgufValue> out) {
        JsonObject tj = files.tokenizerJson();
        if (loadMerges) {
            List<String> merges = merges(tj);
            if (!merges.isEmpty()) {
                out.put("tokenizer.ggml.merges", GgufValue.ofStrings(merges.toArray(new String[0])));
            }
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        Map<String, Boolean> add = new LinkedHashMap<>();
        JsonObject tc = files.tokenizerConfig();
        List<AddedToken> added = tj != null ? addedTokens(tj) : List.of();
        if (tc != null) {
            for (String typ : SPECIAL_TYPES) {
                Object flag = tc.get("add_" + typ + "_token");
                if (flag instanceof Boolean b) {
                    add.put(typ, b);
                }
                String content = tokenText(tc.get(typ + "_token"));
                if (content == null && typ.equals("bos")) {
                    content = tokenText(tc.get("cls_token"));
                } else if (content == null && typ.equals("eos")) {
                    content = tokenText(tc.get("sep_token"));
                }
                if (content == null) {
                    continue;
                }
                for (AddedToken a : added) {
                    if (a.content().equals(content)) {
                        setSpecial(ids, typ, a.id(), nTokens);
                        break;
                    }
                }
            }
        }
        JsonObject config = files.config();
        for (String typ : SPECIAL_TYPES) {
            Object v = config.get(typ + "_token_id");
            if (v == null && config.object("text_config") != null) {
                v = config.object("text_config").get(typ + "_token_id");
            }
            if (v instanceof Long id) {
                setSpecial(ids, typ, id, nTokens);
            }
        }
        ids.forEach((typ, id) -> out.put(GGUF_ID_KEYS.get(typ), GgufValue.ofUint32(id)));
        add.forEach((typ, b) -> out.put("tokenizer.ggml.add_" + typ + "_token", GgufValue.ofBool(b)));
        String template = tc == null ? null : tc.string("chat_template", null);
        if (template == null && tc != null && tc.array("chat_template") != null) {
            // a list of named templates: llama.cpp stores the one named "default"
            for (Object o : tc.array("chat_template")) {
                if (o instanceof Map<?, ?> m && "default".equals(m.get("name")) && m.get("template") instanceof String s) {
                    template = s;
                }
            }
        }
        if (template == null) {
            template = files.chatTemplate();
        }
        if (template != null) {
            out.put("tokenizer.chat_template", GgufValue.scalar(GgufValueType.STRING, template));
        }
    }

    private static void setSpecial(Map<String, Integer> ids, String typ, long id, int nTokens) {
        if (id < 0 || id >= nTokens || ids.containsKey(typ)) {
            return;
        }
        ids.put(typ, (int) id);
    }
}
