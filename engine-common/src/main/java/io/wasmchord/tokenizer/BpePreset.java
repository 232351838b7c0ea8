package io.wasmchord.tokenizer;

import java.util.List;

/**
 * What {@code tokenizer.ggml.pre} selects for a BPE vocabulary in llama.cpp (llama-vocab.cpp): the
 * pre-tokenizer expressions and the switches that come with them.
 *
 * @param cleanSpaces   detokenizing removes the space before {@code ? ! . ,} and some apostrophes
 * @param ignoreMerges  a word that is a token as a whole is not broken into merges
 * @param addBos        the default for adding BOS (metadata can override it)
 * @param noBos         the vocabulary has no BOS token whatever the metadata says
 */
record BpePreset(String name, List<String> expressions, boolean cleanSpaces, boolean ignoreMerges,
                 boolean addBos, boolean noBos) {

    private static final String DEFAULT_PUNCTUATION = "[\\p{P}\\$\\+<=>\\^~\\|]+";
    private static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN35 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+"
            + "|\\s+(?!\\S)|\\s+";
    /** Han, kana (deepseek-v3) and the Han/Korean blocks deepseek's older tokenizers keep together. */
    private static final String CJK_DEEPSEEK = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";
    private static final String CJK_KANA = "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+";
    private static final String PORO = " ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+";
    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    private static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
            + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
            + CONTRACTIONS + "?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*"
            + CONTRACTIONS + "?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static BpePreset forName(String pre) {
        String name = pre == null || pre.isEmpty() ? "default" : pre;
        return switch (name) {
            case "default" -> of(name, true, DEFAULT_PUNCTUATION, PreTokenizer.GPT2, "\\p{N}+", "[0-9][0-9][0-9]");
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
                 "jina-v5-nano" -> new BpePreset(name, List.of(PreTokenizer.LLAMA3), true, true, true, false);
            case "dbrx", "smaug-bpe" -> of(name, true, PreTokenizer.LLAMA3);
            case "deepseek-llm" -> of(name, false, "[\r\n]", DeepseekLetters.EXPRESSION,
                    "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+", "\\s+$", CJK_DEEPSEEK,
                    "\\p{N}+");
            case "deepseek-coder" -> of(name, false, "[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK_DEEPSEEK, "\\p{N}");
            case "deepseek-v3", "hunyuan-dense", "joyai-llm", "hy_v4" -> of(name, false, "\\p{N}{1,3}", CJK_KANA,
                    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                            + "| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+");
            case "falcon" -> of(name, true, "[\\p{P}\\$\\+<=>\\^~\\|`]+", PreTokenizer.GPT2, "[0-9][0-9][0-9]");
            case "starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2" ->
                    of(name, true, "\\p{N}", PreTokenizer.GPT2);
            case "command-r", "smollm" -> of(name, false, "\\p{N}", PreTokenizer.GPT2);
            case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
                 "modern-bert", "exaone4", "jina-v1-en", "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais" ->
                    of(name, true, PreTokenizer.GPT2);
            case "trillion", "granite-docling" -> of(name, false, PreTokenizer.GPT2);
            case "stablelm2", "megrez" -> of(name, true, QWEN2);
            case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "solar-open", "grok-2" ->
                    of(name, false, QWEN2);
            case "qwen35" -> of(name, false, QWEN35);
            case "poro-chat" -> of(name, false, PORO);
            case "bloom", "gpt3-finnish" -> of(name, true, PORO);
            case "viking" -> of(name, false, PORO, "\\p{N}");
            case "glm4", "chatglm-bpe" -> new BpePreset(name, List.of(PreTokenizer.LLAMA3), true, false, false, true);
            case "tekken" -> new BpePreset(name, List.of(TEKKEN), false, true, true, false);
            case "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2" -> of(name, false, GPT4O);
            case "bailingmoe", "bailingmoe2", "llada-moe" -> of(name, false,
                    "'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
                            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+");
            case "seed-coder" -> of(name, false, CONTRACTIONS + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}"
                    + "| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
            default -> throw new TokenizerException("pre-tokenizer \"" + name + "\" (tokenizer.ggml.pre) is not supported");
        };
    }

    private static BpePreset of(String name, boolean cleanSpaces, String... expressions) {
        return new BpePreset(name, List.of(expressions), cleanSpaces, false, false, false);
    }
}
