package io.wasmchord.tokenizer;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.text.Normalizer2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code UnicodeTables.java} from ICU4J's Unicode data, classified the way llama.cpp's
 * scripts/gen-unicode-data.py classifies UnicodeData.txt. ICU4J 74 carries Unicode 15.1, the version of
 * llama.cpp's unicode-data.cpp (the JDK's own tables follow the JDK: Unicode 16 in JDK 25). Run it after
 * changing the ICU4J version:
 * <pre>
 *   java -cp engine-common/target/classes:engine-common/target/test-classes:ICU4J_74_JAR \
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
        return switch (UCharacter.getType(cp)) {
            case UCharacterCategory.UNASSIGNED -> Unicode.UNDEFINED;
            case UCharacterCategory.UPPERCASE_LETTER, UCharacterCategory.LOWERCASE_LETTER,
                 UCharacterCategory.TITLECASE_LETTER, UCharacterCategory.MODIFIER_LETTER,
                 UCharacterCategory.OTHER_LETTER -> Unicode.LETTER;
            case UCharacterCategory.NON_SPACING_MARK, UCharacterCategory.ENCLOSING_MARK,
                 UCharacterCategory.COMBINING_SPACING_MARK -> Unicode.ACCENT_MARK;
            case UCharacterCategory.DECIMAL_DIGIT_NUMBER, UCharacterCategory.LETTER_NUMBER,
                 UCharacterCategory.OTHER_NUMBER -> Unicode.NUMBER;
            case UCharacterCategory.SPACE_SEPARATOR, UCharacterCategory.LINE_SEPARATOR,
                 UCharacterCategory.PARAGRAPH_SEPARATOR -> Unicode.SEPARATOR;
            case UCharacterCategory.CONTROL, UCharacterCategory.FORMAT, UCharacterCategory.PRIVATE_USE,
                 UCharacterCategory.SURROGATE -> Unicode.CONTROL;
            case UCharacterCategory.DASH_PUNCTUATION, UCharacterCategory.START_PUNCTUATION,
                 UCharacterCategory.END_PUNCTUATION, UCharacterCategory.CONNECTOR_PUNCTUATION,
                 UCharacterCategory.OTHER_PUNCTUATION, UCharacterCategory.INITIAL_PUNCTUATION,
                 UCharacterCategory.FINAL_PUNCTUATION -> Unicode.PUNCTUATION;
            case UCharacterCategory.MATH_SYMBOL, UCharacterCategory.CURRENCY_SYMBOL,
                 UCharacterCategory.MODIFIER_SYMBOL, UCharacterCategory.OTHER_SYMBOL -> Unicode.SYMBOL;
            default -> throw new IllegalStateException("unexpected category of U+" + Integer.toHexString(cp));
        };
    }

    /** The simple lowercase mapping (UnicodeData.txt field 13). */
    static int lower(int cp) {
        return UCharacter.toLowerCase(cp);
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
        int type = UCharacter.getType(cp);
        if (type == UCharacterCategory.SURROGATE || type == UCharacterCategory.UNASSIGNED) {
            return cp;
        }
        return Normalizer2.getNFDInstance().normalize(Character.toString(cp)).codePointAt(0);
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
            int offset = lower(cp) - cp;
            if (offset == 0) {
                cp++;
                continue;
            }
            int step = 1;
            int count = 1;
            int next = nextLowered(cp + 1, cp + 2);
            if (next > 0 && lower(next) - next == offset) {
                step = next - cp;
                count = 2;
                while (lower(cp + count * step) - (cp + count * step) == offset
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
            if (lower(c) != c) {
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
        sb.append(" * Generated by UnicodeTablesGenerator (engine-common tests) from Unicode ")
                .append(unicodeVersion()).append(" (ICU4J); do not edit.\n");
        sb.append(" * Packed with {@link PackedInts}; {@link Unicode} explains and reads them.\n");
        sb.append(" */\n");
        sb.append("final class UnicodeTables {\n");
        sb.append("    /** The Unicode version of the data, as llama.cpp's unicode-data.cpp has it. */\n");
        sb.append("    static final String UNICODE_VERSION = \"").append(unicodeVersion()).append("\";\n\n");
        constant(sb, "Runs over all code points: (length, category bit | WHITESPACE).", "FLAG_RUNS", flagRuns());
        constant(sb, "Lowercase runs: (start - previous start, count, step, zigzag(lowercase - code point)).",
                "LOWER_RUNS", lowerRuns());
        constant(sb, "Decomposition-head runs: (start - previous start, length, zigzag(head - start)).",
                "NFD_RUNS", nfdRuns());
        sb.append("    private UnicodeTables() {\n    }\n}\n");
        return sb.toString();
    }

    static String unicodeVersion() {
        var v = UCharacter.getUnicodeVersion();
        return v.getMajor() + "." + v.getMinor() + "." + v.getMilli();
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
