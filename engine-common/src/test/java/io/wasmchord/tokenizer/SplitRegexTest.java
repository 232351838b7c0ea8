package io.wasmchord.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The matcher against java.util.regex (same leftmost-first backtracking semantics for these patterns), and
 * the hand-written GPT-2 and Llama 3 splitters against the expressions they stand for, on random text drawn
 * from characters of every category that matters.
 */
class SplitRegexTest {
    private static final int[] ALPHABET = {
        'a', 'b', 'Z', 's', 't', 'l', 'e', 'r', 'v', 'S', '\'', ' ', ' ', ' ', '\n', '\r', '\t', '0', '7', '!', '.',
        ',', '$', '~', '`', '_', '/', 0x0B, 0x1C, 0xE9, 0x3B1, 0x4E00, 0xAC00, 0x3000, 0xA0, 0x85, 0x300, 0x660,
        0x2026, 0xFF01, 0x200D, 0x1F999, 0x1F680, 0x10400, 0x378, 0xE000, 0x2581,
    };

    static int[] randomText(SplittableRandom rnd) {
        int n = rnd.nextInt(0, 24);
        int[] cps = new int[n];
        for (int i = 0; i < n; i++) {
            cps[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return cps;
    }

    /** Piece lengths (in code points) from java.util.regex, splitting as llama.cpp's std::regex loop does. */
    static List<Integer> javaSplit(String javaPattern, int[] units) {
        String s = new String(units, 0, units.length);
        Matcher m = Pattern.compile(javaPattern).matcher(s);
        List<Integer> out = new ArrayList<>();
        int pieceStart = 0;
        while (m.find()) {
            if (m.start() == m.end()) {
                throw new IllegalStateException("empty match: not comparable with java.util.regex");
            }
            if (m.start() > pieceStart) {
                out.add(s.codePointCount(pieceStart, m.start()));
            }
            out.add(s.codePointCount(m.start(), m.end()));
            pieceStart = m.end();
        }
        if (pieceStart < s.length()) {
            out.add(s.codePointCount(pieceStart, s.length()));
        }
        return out;
    }

    static List<Integer> ruleSplit(SplitRule rule, int[] cps) {
        IntList pieces = new IntList();
        if (cps.length > 0) {
            pieces.add(cps.length);
        }
        IntList out = new IntList();
        rule.split(new SplitText(cps), pieces, out);
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            list.add(out.get(i));
        }
        return list;
    }

    /** What java.util.regex needs to read the expression llama.cpp would run on the same units. */
    static String forJava(String expression) {
        String e = RegexSplitRule.namesCategory(expression) ? RegexSplitRule.collapse(expression) : expression;
        // Java's $ also matches before a final line break; std::regex's only at the end
        return e.endsWith("$") && !e.endsWith("\\$") ? e.substring(0, e.length() - 1) + "\\z" : e;
    }

    static int[] units(String expression, int[] cps) {
        SplitText t = new SplitText(cps);
        return RegexSplitRule.namesCategory(expression) ? t.collapsed() : t.wide();
    }

    @Test
    void presetExpressionsMatchJavaUtilRegex() {
        List<String> expressions = new ArrayList<>();
        for (String pre : List.of("default", "deepseek-llm", "deepseek-coder", "deepseek-v3", "falcon", "starcoder",
                "qwen2", "qwen35", "poro-chat", "viking", "tekken", "gpt-4o", "bailingmoe", "seed-coder")) {
            expressions.addAll(BpePreset.forName(pre).expressions());
        }
        expressions.add(PreTokenizer.GPT2 + "|\\s+");
        expressions.add(PreTokenizer.LLAMA3);
        SplittableRandom rnd = new SplittableRandom(42);
        for (String expression : expressions) {
            RegexSplitRule rule = new RegexSplitRule(expression);
            String java = forJava(expression);
            for (int trial = 0; trial < 400; trial++) {
                int[] cps = randomText(rnd);
                assertEquals(javaSplit(java, units(expression, cps)), ruleSplit(rule, cps),
                        expression + " on " + describe(cps));
            }
        }
    }

    @Test
    void handWrittenSplittersMatchTheirExpressions() {
        SplittableRandom rnd = new SplittableRandom(7);
        RegexSplitRule gpt2 = new RegexSplitRule(PreTokenizer.GPT2 + "|\\s+");
        RegexSplitRule llama3 = new RegexSplitRule(PreTokenizer.LLAMA3);
        for (int trial = 0; trial < 5000; trial++) {
            int[] cps = randomText(rnd);
            assertEquals(ruleSplit(gpt2, cps), ruleSplit(new Gpt2SplitRule(), cps), "gpt2 on " + describe(cps));
            assertEquals(ruleSplit(llama3, cps), ruleSplit(new Llama3SplitRule(), cps), "llama3 on " + describe(cps));
        }
    }

    @Test
    void llama3SplitsDigitsInThreesAndKeepsContractions() {
        PreTokenizer pre = new PreTokenizer(List.of(PreTokenizer.LLAMA3));
        assertEquals(List.of("123", "456", "7"), pre.split("1234567"));
        assertEquals(List.of("I", "'LL", " go", "!\n\n", "  ", " ok"), pre.split("I'LL go!\n\n   ok"));
    }

    @Test
    void deepseekLlmKeepsTrailingSpacesAndHan() {
        PreTokenizer pre = new PreTokenizer(BpePreset.forName("deepseek-llm").expressions());
        assertEquals(List.of("Hello", " world", "  "), pre.split("Hello world  "));
        assertEquals(List.of("我想", " apple", "13"), pre.split("我想 apple13"));
    }

    @Test
    void emptyMatchesAdvanceLikeStdRegex() {
        IntList out = new IntList();
        SplitRegex.compile("x*").split("abxxc".codePoints().toArray(), 0, 5, out);
        // std::regex_iterator: empty, "a", empty, "b", "xx", empty at 4, "c", empty at the end
        List<Integer> lengths = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            lengths.add(out.get(i));
        }
        assertEquals(5, lengths.stream().mapToInt(Integer::intValue).sum());
        assertEquals(List.of(0, 1, 0, 1, 2, 0, 1, 0), lengths);
    }

    @Test
    void badExpressionsAreRejectedClearly() {
        assertThrows(IllegalArgumentException.class, () -> SplitRegex.compile("(a"));
        assertThrows(IllegalArgumentException.class, () -> SplitRegex.compile("[a-"));
        assertThrows(IllegalArgumentException.class, () -> SplitRegex.compile("\\b"));
        assertThrows(IllegalArgumentException.class, () -> SplitRegex.compile("a{3,1}"));
        assertThrows(IllegalArgumentException.class, () -> new RegexSplitRule("\\p{L}é"));
        assertThrows(TokenizerException.class, () -> BpePreset.forName("no-such-pre"));
    }

    static String describe(int[] cps) {
        StringBuilder sb = new StringBuilder("[");
        for (int cp : cps) {
            sb.append(String.format("%04X ", cp));
        }
        return sb.append(']').toString();
    }
}
