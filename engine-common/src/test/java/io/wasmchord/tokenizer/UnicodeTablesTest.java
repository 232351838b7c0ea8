package io.wasmchord.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /** Every code point decodes to exactly what the generator derives from this JDK. */
    @Test
    void packedTablesMatchTheGenerator() {
        assumeTrue(Runtime.version().feature() == UnicodeTables.JDK_FEATURE,
                "tables were generated on JDK " + UnicodeTables.JDK_FEATURE);
        int[] flags = UnicodeTablesGenerator.allFlags();
        for (int cp = 0; cp <= Unicode.MAX_CODE_POINT; cp++) {
            if (flags[cp] != Unicode.flags(cp)) {
                assertEquals(flags[cp], Unicode.flags(cp), "flags of U+" + Integer.toHexString(cp));
            }
            int lower = cp < 0xD800 || cp > 0xDFFF ? Character.toLowerCase(cp) : cp;
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
        assumeTrue(Runtime.version().feature() == UnicodeTables.JDK_FEATURE,
                "tables were generated on JDK " + UnicodeTables.JDK_FEATURE);
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
