package io.wasmchord.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;

/**
 * Writes {@code UnicodeTables.java} from the running JDK's Unicode data, classified the way llama.cpp's
 * scripts/gen-unicode-data.py classifies UnicodeData.txt. Run it after changing the build JDK:
 * <pre>
 *   java -cp engine-common/target/classes:engine-common/target/test-classes \
 *       io.wasmchord.tokenizer.UnicodeTablesGenerator engine-common/src/main/java/io/wasmchord/tokenizer/UnicodeTables.java
 * </pre>
 * {@code UnicodeTablesTest} fails when the committed file differs from what this produces.
 */
public final class UnicodeTablesGenerator {
    /** The Unicode White_Space property (PropList.txt), which llama.cpp lists by hand too. */
    private static final int[] WHITE_SPACE = {
        0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
        0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    };

    private UnicodeTablesGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: UnicodeTablesGenerator OUTPUT.java");
            System.exit(2);
        }
        Files.writeString(Path.of(args[0]), source(), StandardCharsets.UTF_8);
    }

    static int categoryFlag(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UNASSIGNED -> Unicode.UNDEFINED;
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> Unicode.LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK ->
                    Unicode.ACCENT_MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> Unicode.NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
                    Unicode.SEPARATOR;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> Unicode.CONTROL;
            case Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.CONNECTOR_PUNCTUATION, Character.OTHER_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION -> Unicode.PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> Unicode.SYMBOL;
            default -> throw new IllegalStateException("unexpected category of U+" + Integer.toHexString(cp));
        };
    }

    static int[] allFlags() {
        int[] flags = new int[Unicode.MAX_CODE_POINT + 1];
        for (int cp = 0; cp <= Unicode.MAX_CODE_POINT; cp++) {
            flags[cp] = categoryFlag(cp);
        }
        for (int cp : WHITE_SPACE) {
            flags[cp] |= Unicode.WHITESPACE;
        }
        return flags;
    }

    static int decompositionHead(int cp) {
        if (Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.UNASSIGNED) {
            return cp;
        }
        return Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFD).codePointAt(0);
    }

    static String flagRuns() {
        int[] flags = allFlags();
        StringBuilder sb = new StringBuilder();
        int start = 0;
        for (int cp = 1; cp <= flags.length; cp++) {
            if (cp == flags.length || flags[cp] != flags[start]) {
                PackedInts.append(sb, cp - start);
                PackedInts.append(sb, flags[start]);
                start = cp;
            }
        }
        return sb.toString();
    }

    /** Runs of code points, {@code step} apart, whose lowercase is the code point plus one offset. */
    static String lowerRuns() {
        StringBuilder sb = new StringBuilder();
        int previousStart = 0;
        int cp = 0x80;
        while (cp <= Unicode.MAX_CODE_POINT) {
            int offset = Character.toLowerCase(cp) - cp;
            if (offset == 0) {
                cp++;
                continue;
            }
            int step = 1;
            int count = 1;
            int next = nextLowered(cp + 1, cp + 2);
            if (next > 0 && Character.toLowerCase(next) - next == offset) {
                step = next - cp;
                count = 2;
                while (Character.toLowerCase(cp + count * step) - (cp + count * step) == offset
                        && nextLowered(cp + (count - 1) * step + 1, cp + count * step) < 0) {
                    count++;
                }
            }
            PackedInts.append(sb, cp - previousStart);
            PackedInts.append(sb, count);
            PackedInts.append(sb, step);
            PackedInts.append(sb, PackedInts.zigzag(offset));
            previousStart = cp;
            cp += (count - 1) * step + 1;
        }
        return sb.toString();
    }

    /** The first code point in [from, to] that has a lowercase mapping, or -1; {@code to} itself counts. */
    private static int nextLowered(int from, int to) {
        for (int c = from; c <= Math.min(to, Unicode.MAX_CODE_POINT); c++) {
            if (Character.toLowerCase(c) != c) {
                return c;
            }
        }
        return -1;
    }

    static String nfdRuns() {
        StringBuilder sb = new StringBuilder();
        int previousStart = 0;
        int cp = 0;
        while (cp <= Unicode.MAX_CODE_POINT) {
            int head = decompositionHead(cp);
            if (head == cp) {
                cp++;
                continue;
            }
            int end = cp + 1;
            while (end <= Unicode.MAX_CODE_POINT && decompositionHead(end) == head && head != end) {
                end++;
            }
            PackedInts.append(sb, cp - previousStart);
            PackedInts.append(sb, end - cp);
            PackedInts.append(sb, PackedInts.zigzag(head - cp));
            previousStart = cp;
            cp = end;
        }
        return sb.toString();
    }

    static String source() {
        StringBuilder sb = new StringBuilder();
        sb.append("package io.wasmchord.tokenizer;\n\n");
        sb.append("/**\n");
        sb.append(" * Generated by UnicodeTablesGenerator (engine-common tests) from the tables of JDK ")
                .append(Runtime.version().feature()).append("; do not edit.\n");
        sb.append(" * Packed with {@link PackedInts}; {@link Unicode} explains and reads them.\n");
        sb.append(" */\n");
        sb.append("final class UnicodeTables {\n");
        sb.append("    /** Generator JDK feature version: the tables follow its Unicode version. */\n");
        sb.append("    static final int JDK_FEATURE = ").append(Runtime.version().feature()).append(";\n\n");
        constant(sb, "Runs over all code points: (length, category bit | WHITESPACE).", "FLAG_RUNS", flagRuns());
        constant(sb, "Lowercase runs: (start - previous start, count, step, zigzag(lowercase - code point)).",
                "LOWER_RUNS", lowerRuns());
        constant(sb, "Decomposition-head runs: (start - previous start, length, zigzag(head - start)).",
                "NFD_RUNS", nfdRuns());
        sb.append("    private UnicodeTables() {\n    }\n}\n");
        return sb.toString();
    }

    private static void constant(StringBuilder sb, String doc, String name, String packed) {
        sb.append("    /** ").append(doc).append(" */\n");
        sb.append("    static final String ").append(name).append(" =");
        int width = 96;
        for (int i = 0; i < packed.length(); i += width) {
            sb.append(i == 0 ? "\n            \"" : "\n            + \"");
            sb.append(packed, i, Math.min(packed.length(), i + width)).append('"');
        }
        sb.append(";\n\n");
    }
}
