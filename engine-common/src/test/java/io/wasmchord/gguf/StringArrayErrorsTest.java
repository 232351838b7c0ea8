package io.wasmchord.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.io.ByteArraySource;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A broken element of a string array (a vocabulary) is named by its index, though labels are built lazily. */
class StringArrayErrorsTest {

    @Test
    void aLengthPastTheEndNamesTheElement() {
        byte[] file = header(new String[] {"a", "bc"}, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(new ByteArraySource("f.gguf", file)));
        assertTrue(e.getMessage().contains("value of k[2] length of 1000 cannot fit in the 0 bytes left"), e.getMessage());
    }

    @Test
    void aFileEndingInALengthNamesTheElement() {
        byte[] file = header(new String[] {"long enough to pass the count"}, new byte[] {3, 0, 0});
        GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(new ByteArraySource("f.gguf", file)));
        assertTrue(e.getMessage().contains("file ends while reading value of k[1] length (needs 8 bytes, 3 left)"), e.getMessage());
    }

    @Test
    void wholeArraysStillRead() {
        byte[] file = header(new String[] {"a", "bc", ""}, new byte[0]);
        try (GgufFile g = GgufFile.open(new ByteArraySource("f.gguf", file))) {
            assertEquals(java.util.List.of("a", "bc", ""), java.util.List.of(g.metadata().get("k").asStringArray()));
        }
    }

    /** GGUF v3, no tensors, one key "k": an array of 3 strings whose complete ones are {@code strings}, then {@code tail}. */
    private static byte[] header(String[] strings, byte[] tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46554747).putInt(3).putLong(0).putLong(1);
        b.putLong(1).put((byte) 'k').putInt(9).putInt(8).putLong(3);
        for (String s : strings) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            b.putLong(u.length).put(u);
        }
        b.put(tail);
        out.write(b.array(), 0, b.position());
        return out.toByteArray();
    }
}
