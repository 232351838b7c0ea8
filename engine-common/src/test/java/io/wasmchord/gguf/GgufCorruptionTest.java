package io.wasmchord.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wasmchord.io.ByteArraySource;
import io.wasmchord.io.ByteSource;
import io.wasmchord.testing.SharedModels;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged GGUF files must end in a GgufException that names the file and the offset, or load intact. */
class GgufCorruptionTest {

    @ParameterizedTest
    @ValueSource(strings = {"stories260K/stories260K-F32.gguf", "synthK-A/gguf/synthK-A-Q4_K_M.gguf"})
    void everyTruncationIsAClearError(String relative) {
        byte[] bytes = SharedModels.read(SharedModels.path(relative));
        ByteSource whole = new ByteArraySource(relative, bytes);
        long dataStart = GgufFile.open(whole).dataStart();
        int checked = 0;
        for (long length = 0; length < bytes.length; length += length < dataStart + 64 ? 1 : 4099) {
            ByteSource cut = whole.slice(0, length);
            GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(cut), "truncated at " + length);
            assertTrue(e.getMessage().startsWith(relative + ": at byte "), e.getMessage());
            assertTrue(e.offset() >= 0 && e.offset() <= length, e.getMessage());
            checked++;
        }
        assertTrue(checked > dataStart, "checked " + checked + " truncations");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K/stories260K-Q8_0.gguf", "synthK-A/gguf/synthK-A-IQ4_XS.gguf"})
    void randomHeaderByteFlipsFailClearlyOrLoadIntact(String relative) {
        byte[] original = SharedModels.read(SharedModels.path(relative));
        int headerEnd = (int) GgufFile.open(new ByteArraySource(original)).dataStart();
        Random random = new Random(42);
        int failed = 0;
        int loaded = 0;
        for (int variant = 0; variant < 400; variant++) {
            byte[] bytes = original.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                // Aim half the flips at the first 64 bytes, where counts and lengths live.
                int at = random.nextBoolean() ? random.nextInt(Math.min(64, headerEnd)) : random.nextInt(headerEnd);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                GgufFile gguf = GgufFile.open(new ByteArraySource(relative, bytes));
                for (GgufTensor t : gguf.tensors()) {
                    ByteSource data = gguf.data(t);
                    if (data.size() > 0) {
                        data.get(0);
                        data.get(data.size() - 1);
                    }
                }
                loaded++;
            } catch (GgufException e) {
                assertTrue(e.getMessage().startsWith(relative + ": at byte "), e.getMessage());
                failed++;
            } catch (RuntimeException | Error e) {
                fail("variant " + variant + " threw " + e, e);
            }
        }
        assertEquals(400, failed + loaded);
        assertTrue(failed > 50, "only " + failed + " variants were rejected");
    }

    // --- hand-made damage --------------------------------------------------------------------

    private static final class Header {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Header u32(long v) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v);
            out.writeBytes(b.array());
            return this;
        }

        Header u64(long v) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
            out.writeBytes(b.array());
            return this;
        }

        Header str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.writeBytes(b);
            return this;
        }

        Header start(long tensors, long kvs) {
            return u32(GgufReader.MAGIC).u32(3).u64(tensors).u64(kvs);
        }

        Header tensor(String name, long ne0, int type, long offset) {
            return str(name).u32(1).u64(ne0).u32(type).u64(offset);
        }

        Header pad(int total) {
            while (out.size() < total) {
                out.write(0);
            }
            return this;
        }

        String error() {
            GgufException e = assertThrows(GgufException.class,
                    () -> GgufFile.open(new ByteArraySource("bad.gguf", out.toByteArray())));
            assertTrue(e.getMessage().startsWith("bad.gguf: at byte "), e.getMessage());
            return e.getMessage();
        }
    }

    private static void assertMentions(String message, String fragment) {
        assertTrue(message.contains(fragment), "\"" + message + "\" should mention \"" + fragment + "\"");
    }

    @Test
    void wrongMagic() {
        assertMentions(new Header().u32(0x12345678).u32(3).u64(0).u64(0).error(), "not a GGUF file");
    }

    @Test
    void unsupportedVersions() {
        assertMentions(new Header().u32(GgufReader.MAGIC).u32(1).u64(0).u64(0).error(), "unsupported GGUF version 1");
        assertMentions(new Header().u32(GgufReader.MAGIC).u32(0x03000000).u64(0).u64(0).error(), "big-endian");
    }

    @Test
    void truncatedHeader() {
        assertMentions(new Header().u32(GgufReader.MAGIC).u32(3).u32(0).error(), "file ends while reading tensor count");
    }

    @Test
    void absurdCounts() {
        assertMentions(new Header().u32(GgufReader.MAGIC).u32(3).u64(1L << 60).u64(0).error(), "tensor count");
        assertMentions(new Header().u32(GgufReader.MAGIC).u32(3).u64(0).u64(-1).error(), "metadata count");
        String arrayOf2To60 = new Header().start(0, 1).str("big").u32(GgufValueType.ARRAY.id)
                .u32(GgufValueType.UINT32.id).u64(1L << 60).pad(4096).error();
        assertMentions(arrayOf2To60, "element count of 1152921504606846976 cannot fit");
        String stringOf2To40 = new Header().start(0, 1).str("s").u32(GgufValueType.STRING.id).u64(1L << 40).error();
        assertMentions(stringOf2To40, "length of 1099511627776 cannot fit");
        String keyOf2To40 = new Header().start(0, 1).u64(1L << 40).pad(4096).error();
        assertMentions(keyOf2To40, "metadata key 0 length");
    }

    @Test
    void unknownValueType() {
        assertMentions(new Header().start(0, 1).str("k").u32(13).error(), "unknown metadata value type 13 for type of k");
    }

    @Test
    void deeplyNestedArrays() {
        Header h = new Header().start(0, 1).str("deep").u32(GgufValueType.ARRAY.id);
        for (int i = 0; i < 100; i++) {
            h.u32(GgufValueType.ARRAY.id).u64(1);
        }
        assertMentions(h.pad(4096).error(), "nested deeper");
    }

    @Test
    void duplicateKeys() {
        Header h = new Header().start(0, 2);
        h.str("k").u32(GgufValueType.UINT32.id).u32(1);
        h.str("k").u32(GgufValueType.UINT32.id).u32(2);
        assertMentions(h.error(), "duplicate metadata key \"k\"");
    }

    @Test
    void unknownTensorType() {
        assertMentions(new Header().start(1, 0).tensor("w", 32, 200, 0).pad(256).error(),
                "unknown tensor type id 200 in tensor \"w\"");
        assertMentions(new Header().start(1, 0).tensor("w", 32, 4, 0).pad(256).error(),
                "unknown tensor type id 4"); // Q4_2: removed from ggml
    }

    @Test
    void tensorPastTheEnd() {
        assertMentions(new Header().start(1, 0).tensor("w", 64, 0, 0).pad(128).error(),
                "tensor \"w\" (256 bytes at data offset 0) runs past the end");
    }

    @Test
    void misalignedTensor() {
        assertMentions(new Header().start(1, 0).tensor("w", 4, 0, 8).pad(256).error(),
                "not a multiple of the alignment 32");
    }

    @Test
    void overlappingTensors() {
        assertMentions(new Header().start(2, 0).tensor("a", 64, 0, 0).tensor("b", 8, 0, 224).pad(1024).error(),
                "overlaps tensor");
    }

    @Test
    void rowsThatSplitABlock() {
        assertMentions(new Header().start(1, 0).tensor("w", 40, 8, 0).pad(256).error(),
                "not a multiple of the Q8_0 block size 32");
    }

    @Test
    void impossibleShapes() {
        Header h = new Header().start(1, 0).str("w").u32(2).u64(1L << 40).u64(1L << 40).u32(0).u64(0);
        assertMentions(h.pad(256).error(), "impossibly large");
        assertMentions(new Header().start(1, 0).str("w").u32(5).pad(256).error(), "5 dimensions");
    }

    @Test
    void badAlignment() {
        Header h = new Header().start(0, 1).str(GgufFile.KEY_ALIGNMENT).u32(GgufValueType.UINT32.id).u32(24);
        assertMentions(h.error(), "is not a power of two");
    }
}
