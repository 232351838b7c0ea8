package io.wasmchord.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wasmchord.io.ByteArraySource;
import io.wasmchord.io.ByteSource;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.testing.SharedModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GgufRoundTripTest {

    static Stream<Path> sharedFiles() {
        return SharedModels.ggufFiles("stories260K", "synthK-A", "vocab").stream();
    }

    /** Reading a llama.cpp file and writing it back must give the very same bytes. */
    @ParameterizedTest
    @MethodSource("sharedFiles")
    void rewritingASharedFileReproducesItExactly(Path file) throws IOException {
        byte[] original = SharedModels.read(file);
        GgufFile gguf = GgufFile.open(new ByteArraySource(file.toString(), original));
        assertEquals(3, gguf.version());
        assertArrayEquals(original, rewrite(gguf), file.toString());
    }

    @Test
    void everyValueTypeSurvivesARoundTrip() throws IOException {
        GgufWriter w = new GgufWriter(2);
        w.put("u8", GgufValue.scalar(GgufValueType.UINT8, (byte) 0xFE));
        w.put("i8", GgufValue.scalar(GgufValueType.INT8, (byte) -3));
        w.put("u16", GgufValue.scalar(GgufValueType.UINT16, (short) 0xFFFE));
        w.put("i16", GgufValue.scalar(GgufValueType.INT16, (short) -300));
        w.put("u32", GgufValue.ofUint32(-2));
        w.put("i32", GgufValue.ofInt32(-70000));
        w.put("f32", GgufValue.ofFloat32(1.5e-5f));
        w.put("bool", GgufValue.ofBool(true));
        w.put("str", GgufValue.of("héllo ✓ \u0000 end"));
        w.put("u64", GgufValue.scalar(GgufValueType.UINT64, -1L));
        w.put("i64", GgufValue.scalar(GgufValueType.INT64, Long.MIN_VALUE));
        w.put("f64", GgufValue.scalar(GgufValueType.FLOAT64, Math.PI));
        w.put("a.u8", GgufValue.array(GgufValueType.UINT8, new byte[] {1, 2, (byte) 255}));
        w.put("a.i16", GgufValue.array(GgufValueType.INT16, new short[] {-1, 2}));
        w.put("a.u64", GgufValue.array(GgufValueType.UINT64, new long[] {1L << 62, -1L}));
        w.put("a.f64", GgufValue.array(GgufValueType.FLOAT64, new double[] {0.25, -1e300}));
        w.put("a.bool", GgufValue.array(GgufValueType.BOOL, new boolean[] {true, false}));
        w.put("a.str", GgufValue.ofStrings("a", "", "ü"));
        w.put("a.empty", GgufValue.ofInts());
        w.put("a.nested", GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {
                GgufValue.ofFloats(1f, 2f), GgufValue.ofStrings("x"),
                GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {GgufValue.ofInts(7)})}));
        w.put(GgufFile.KEY_ALIGNMENT, GgufValue.ofUint32(64));
        byte[] weights = new byte[3 * 34];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (i * 7);
        }
        w.addTensor("t.q8", GgmlType.Q8_0, new long[] {32, 3}, weights);
        w.addTensor("t.f32", GgmlType.F32, new long[] {5}, new byte[20]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(out);
        byte[] bytes = out.toByteArray();

        GgufFile read = GgufFile.open(new ByteArraySource("round-trip", bytes));
        assertEquals(2, read.version());
        assertEquals(64, read.alignment());
        assertEquals(0xFFFE, read.get("u16").asLong());
        assertEquals(0xFFFFFFFEL, read.get("u32").asLong());
        assertEquals(-70000, read.get("i32").asInt());
        assertEquals(1.5e-5f, read.get("f32").asFloat());
        assertEquals("héllo ✓ \u0000 end", read.get("str").asString());
        assertEquals(Math.PI, read.get("f64").asDouble());
        assertEquals(255, read.get("a.u8").longAt(2));
        assertEquals(List.of("a", "", "ü"), List.of(read.get("a.str").asStringArray()));
        GgufValue nested = read.get("a.nested");
        assertEquals(3, nested.length());
        assertEquals(7, ((GgufValue[]) ((GgufValue[]) nested.raw())[2].raw())[0].asIntArray()[0]);
        for (String key : List.of("u8", "i8", "i16", "bool", "u64", "i64", "a.i16", "a.u64", "a.f64", "a.bool", "a.empty", "a.nested")) {
            assertEquals(w == null ? null : valueOf(bytes, key), read.get(key), key);
        }
        GgufTensor q8 = read.tensor("t.q8");
        assertEquals(GgmlType.Q8_0, q8.type());
        assertEquals(0, q8.dataOffset() % 64);
        byte[] back = new byte[weights.length];
        read.data(q8).read(0, back, 0, back.length);
        assertArrayEquals(weights, back);
        assertArrayEquals(bytes, rewrite(read));
    }

    @Test
    void tensorDataIsAViewNotACopy() {
        byte[] original = SharedModels.read(SharedModels.path("stories260K/stories260K-F32.gguf"));
        GgufFile gguf = GgufFile.open(new ByteArraySource(original));
        GgufTensor t = gguf.tensor("token_embd.weight");
        ByteSource data = gguf.data(t);
        assertEquals(t.byteSize(), data.size());
        original[(int) t.dataOffset()] ^= 0x55;
        assertEquals(original[(int) t.dataOffset()], data.get(0));
        assertFalse(gguf.tensors().isEmpty());
    }

    private static GgufValue valueOf(byte[] bytes, String key) {
        return GgufFile.open(new ByteArraySource(bytes)).get(key);
    }

    static byte[] rewrite(GgufFile gguf) throws IOException {
        GgufWriter w = new GgufWriter(gguf.version());
        w.putAll(gguf.metadata());
        for (GgufTensor t : gguf.tensors()) {
            ByteSource data = gguf.data(t);
            w.addTensor(t.name(), t.type(), t.ne(), out -> {
                byte[] buf = new byte[(int) data.size()];
                data.read(0, buf, 0, buf.length);
                out.write(buf);
            });
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(out);
        return out.toByteArray();
    }
}
