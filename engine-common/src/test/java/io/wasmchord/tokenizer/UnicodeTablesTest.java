package io.wasmchord.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UnicodeTablesTest {

    /** Values from llama.cpp's unicode-data.cpp, including its quirks ('~' a symbol, U+001C.. not space). */
    @Test
    void flagsAgreeWithLlamaCppTable() {
        assertEquals(Unicode.CONTROL, Unicode.flags(0x00));
        assertEquals(Unicode.CONTROL | Unicode.WHITESPACE, Unicode.flags('\t'));
        assertEquals(Unicode.CONTROL | Unicode.WHITESPACE, Unicode.flags('\n'));
        assertEquals(Unicode.CONTROL, Unicode.flags(0x1C));
        assertEquals(Unicode.SEPARATOR | Unicode.WHITESPACE, Unicode.flags(' '));
        assertEquals(Unicode.PUNCTUATION, Unicode.flags('!'));
        assertEquals(Unicode.SYMBOL, Unicode.flags('$'));
        assertEquals(Unicode.SYMBOL, Unicode.flags('~'));
        assertEquals(Unicode.NUMBER, Unicode.flags('7'));
        assertEquals(Unicode.LETTER, Unicode.flags('q'));
        assertEquals(Unicode.CONTROL | Unicode.WHITESPACE, Unicode.flags(0x85));
        assertEquals(Unicode.SEPARATOR | Unicode.WHITESPACE, Unicode.flags(0xA0));
        assertEquals(Unicode.CONTROL, Unicode.flags(0xAD));
        assertEquals(Unicode.NUMBER, Unicode.flags(0xB2));
        assertEquals(Unicode.LETTER, Unicode.flags(0xB5));
        assertEquals(Unicode.ACCENT_MARK, Unicode.flags(0x300));
        assertEquals(Unicode.UNDEFINED, Unicode.flags(0x378));
        assertEquals(Unicode.UNDEFINED, Unicode.flags(0x897)); // assigned in Unicode 16, not in llama.cpp's 15.1
        assertEquals(Unicode.SYMBOL, Unicode.flags(0x2FFC)); // assigned in Unicode 15.1
        assertEquals(Unicode.SYMBOL, Unicode.flags(0x31EF));
        assertEquals(Unicode.LETTER, Unicode.flags(0x4E00));
        assertEquals(Unicode.SEPARATOR | Unicode.WHITESPACE, Unicode.flags(0x3000));
        assertEquals(Unicode.CONTROL, Unicode.flags(0x200D)); // zero width joiner: format
        assertEquals(Unicode.SYMBOL, Unicode.flags(0x1F999)); // 🦙
        assertEquals(Unicode.CONTROL, Unicode.flags(0xE000)); // private use
        assertEquals(Unicode.CONTROL, Unicode.flags(0xD800)); // surrogate
        assertEquals(Unicode.UNDEFINED, Unicode.flags(0x10FFFF));
        assertEquals(Unicode.UNDEFINED, Unicode.flags(0x110000));
        assertEquals(Unicode.UNDEFINED, Unicode.flags(-1));
    }

    /** Run starts from llama.cpp's unicode-data.cpp: (code point, flags) with the run beginning there. */
    @Test
    void runBoundariesAgreeWithLlamaCppTable() {
        int[][] starts = {
            {0x0892, 0x0001}, {0x0898, 0x0010}, {0x08E2, 0x0080}, {0x08E3, 0x0010}, {0x1C80, 0x0004},
            {0x1C89, 0x0001}, {0x1C90, 0x0004}, {0x2FF0, 0x0040}, {0x3000, 0x0108}, {0x31E4, 0x0001},
            {0x31EF, 0x0040}, {0x31F0, 0x0004}, {0xA7CB, 0x0001}, {0xA7D0, 0x0004}, {0xD7FC, 0x0001},
            {0xD800, 0x0080}, {0xF900, 0x0004}, {0xFEFF, 0x0080}, {0xFFF9, 0x0080}, {0xFFFC, 0x0040},
            {0xFFFE, 0x0001}, {0x10570, 0x0004}, {0x105BD, 0x0001}, {0x10EFD, 0x0010}, {0x11F00, 0x0010},
            {0x11F02, 0x0004}, {0x11FFF, 0x0020}, {0x13430, 0x0080}, {0x13440, 0x0010}, {0x13441, 0x0004},
            {0x13447, 0x0010}, {0x13456, 0x0001}, {0x1BCA0, 0x0080}, {0x1BCA4, 0x0001},
        };
        for (int[] s : starts) {
            assertEquals(s[1], Unicode.flags(s[0]), "U+" + Integer.toHexString(s[0]));
            if (s[1] != Unicode.flags(s[0] - 1)) {
                continue;
            }
            throw new AssertionError("no run starts at U+" + Integer.toHexString(s[0]));
        }
    }

    @Test
    void lowercaseAndDecompositionHead() {
        assertEquals('a', Unicode.toLower('A'));
        assertEquals(0xE0, Unicode.toLower(0xC0));
        assertEquals('i', Unicode.toLower(0x130)); // İ: the simple mapping
        assertEquals(0x3C3, Unicode.toLower(0x3A3));
        assertEquals(0x1C6, Unicode.toLower(0x1C5)); // titlecase Dž
        assertEquals(0x101, Unicode.toLower(0x100));
        assertEquals(0x103, Unicode.toLower(0x103)); // already lower
        assertEquals(0x10428, Unicode.toLower(0x10400));
        assertEquals('A', Unicode.decompositionHead(0xC0));
        assertEquals('e', Unicode.decompositionHead(0xE9));
        assertEquals('C', Unicode.decompositionHead(0x1E08)); // Ḉ: C + cedilla + acute
        assertEquals(0x1100, Unicode.decompositionHead(0xAC00)); // 가: leading jamo
        assertEquals(0x3B9, Unicode.decompositionHead(0x1FBE)); // canonical singleton
        assertEquals(0xE6, Unicode.decompositionHead(0xE6)); // æ does not decompose
    }

    /** Every code point decodes to exactly what the generator derives from Unicode 15.1. */
    @Test
    void packedTablesMatchTheGenerator() {
        assertEquals("15.1.0", UnicodeTables.UNICODE_VERSION, "llama.cpp's unicode-data.cpp is Unicode 15.1");
        int[] flags = UnicodeTablesGenerator.allFlags();
        for (int cp = 0; cp <= Unicode.MAX_CODE_POINT; cp++) {
            if (flags[cp] != Unicode.flags(cp)) {
                assertEquals(flags[cp], Unicode.flags(cp), "flags of U+" + Integer.toHexString(cp));
            }
            int lower = UnicodeTablesGenerator.lower(cp);
            if (lower != Unicode.toLower(cp)) {
                assertEquals(lower, Unicode.toLower(cp), "lowercase of U+" + Integer.toHexString(cp));
            }
            int head = UnicodeTablesGenerator.decompositionHead(cp);
            if (head != Unicode.decompositionHead(cp)) {
                assertEquals(head, Unicode.decompositionHead(cp), "decomposition of U+" + Integer.toHexString(cp));
            }
        }
    }

    @Test
    void committedSourceIsWhatTheGeneratorWrites() {
        String committed = SharedModels.read(Path.of("src/main/java/io/wasmchord/tokenizer/UnicodeTables.java"));
        assertEquals(UnicodeTablesGenerator.source(), committed, "regenerate with UnicodeTablesGenerator");
    }

    @Test
    void packedIntsRoundTrip() {
        StringBuilder sb = new StringBuilder();
        int[] values = {0, 1, 31, 32, 1023, 1024, 0x10FFFF, Integer.MAX_VALUE};
        for (int v : values) {
            PackedInts.append(sb, v);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(values, PackedInts.decode(sb.toString()));
        for (int v : new int[] {0, -1, 1, -1000, 1000, Integer.MIN_VALUE}) {
            assertEquals(v, PackedInts.unzigzag(PackedInts.zigzag(v)));
        }
    }
}
