package io.wasmchord.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into the words a BPE vocabulary merges within, by running its rules one after another,
 * each on every piece the previous ones left (llama.cpp's unicode_regex_split).
 */
final class PreTokenizer {
    /** GPT-2's expression, which llama.cpp (and so this class) runs with hand-written code. */
    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    /** Llama 3's expression as tokenizer.json has it and as llama.cpp rewrites it; both run by hand. */
    static final String LLAMA3_ORIGINAL = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private final List<String> expressions;
    private final SplitRule[] rules;

    PreTokenizer(List<String> expressions) {
        this.expressions = List.copyOf(expressions);
        this.rules = new SplitRule[expressions.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = ruleFor(expressions.get(i));
        }
    }

    private static SplitRule ruleFor(String expression) {
        if (expression.equals(GPT2)) {
            return new Gpt2SplitRule();
        }
        if (expression.equals(LLAMA3) || expression.equals(LLAMA3_ORIGINAL)) {
            return new Llama3SplitRule();
        }
        return new RegexSplitRule(expression);
    }

    List<String> expressions() {
        return expressions;
    }

    /** The words of {@code text}, in order; together they are the text. */
    List<String> split(String text) {
        int[] cps = text.codePoints().toArray();
        SplitText split = new SplitText(cps);
        IntList pieces = new IntList(4);
        if (cps.length > 0) {
            pieces.add(cps.length);
        }
        for (SplitRule rule : rules) {
            IntList next = new IntList(Math.max(4, pieces.size() * 2));
            rule.split(split, pieces, next);
            pieces = next;
        }
        List<String> words = new ArrayList<>(pieces.size());
        int start = 0;
        for (int i = 0; i < pieces.size(); i++) {
            int length = pieces.get(i);
            if (length > 0) {
                words.add(new String(cps, start, length));
            }
            start += length;
        }
        return words;
    }
}
