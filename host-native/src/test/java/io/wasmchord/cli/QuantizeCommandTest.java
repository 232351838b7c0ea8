package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chord quantize} end to end: same bytes as llama-quantize with several threads, and its errors. */
class QuantizeCommandTest {
    @TempDir
    Path dir;

    static Path shared() {
        String p = System.getProperty("shared.models");
        return p != null ? Path.of(p) : Path.of("").toAbsolutePath().getParent().resolve("../shared/models").normalize();
    }

    private record Result(int code, String err) {
    }

    private static Result run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Result(Chord.run(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void threadedOutputEqualsLlamaQuantize() throws Exception {
        Path in = shared().resolve("stories260K/stories260K-F32.gguf");
        for (String type : new String[] {"Q4_K_M", "Q6_K"}) {
            Path out = dir.resolve(type + ".gguf");
            Result r = run("quantize", "--threads", "3", "--quiet", in.toString(), out.toString(), type);
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(Files.readAllBytes(shared().resolve("stories260K/stories260K-" + type + ".gguf")),
                    Files.readAllBytes(out), type);
        }
        Path pure = dir.resolve("pure.gguf");
        Result r = run("quantize", "--pure", "--quiet", shared().resolve("synthK-A/gguf/synthK-A-F32.gguf").toString(),
                pure.toString(), "IQ4_XS");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(shared().resolve("synthK-A/gguf/synthK-A-IQ4_XS-pure.gguf")),
                Files.readAllBytes(pure));
    }

    @Test
    void existingOutputNeedsForce() throws Exception {
        Path in = shared().resolve("stories260K/stories260K-F32.gguf");
        Path out = dir.resolve("out.gguf");
        Files.writeString(out, "keep me");
        Result r = run("quantize", "--quiet", in.toString(), out.toString(), "Q8_0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--force"), r.err());
        assertEquals("keep me", Files.readString(out));
        r = run("quantize", "--quiet", "--force", in.toString(), out.toString(), "Q8_0");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(shared().resolve("stories260K/stories260K-Q8_0.gguf")), Files.readAllBytes(out));
    }

    @Test
    void unknownTypeListsTheValidOnes() {
        Result r = run("quantize", "a.gguf", dir.resolve("b.gguf").toString(), "Q4_K_XL");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Q4_K_XL") && r.err().contains("Q4_K_M") && r.err().contains("IQ4_XS"), r.err());
        r = run("quantize", "--output-tensor-type", "Q7", "a.gguf", dir.resolve("b.gguf").toString(), "Q4_0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Q7") && r.err().contains("Q6_K"), r.err());
    }

    @Test
    void quantizedInputNeedsAllowRequantize() {
        Result r = run("quantize", "--quiet", shared().resolve("stories260K/stories260K-Q8_0.gguf").toString(),
                dir.resolve("b.gguf").toString(), "Q4_0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--allow-requantize"), r.err());
        assertFalse(Files.exists(dir.resolve("b.gguf")));
    }

    @Test
    void allowRequantizeDequantizesThroughTheFormats() throws Exception {
        Path q8 = shared().resolve("synthK-A/gguf/synthK-A-Q8_0.gguf");
        Path out = dir.resolve("re.gguf");
        Result r = run("quantize", "--quiet", "--allow-requantize", "--pure", q8.toString(), out.toString(), "Q4_0");
        assertEquals(0, r.code(), r.err());
        // Q4_0 of the Q8_0 file stays about as close to the F32 weights as Q4_0 of the F32 file itself
        io.wasmchord.gguf.GgufFile f32 = open(shared().resolve("synthK-A/gguf/synthK-A-F32.gguf"));
        io.wasmchord.gguf.GgufFile direct = open(shared().resolve("synthK-A/gguf/synthK-A-Q4_0-pure.gguf"));
        io.wasmchord.gguf.GgufFile requantized = open(out);
        String name = "blk.0.ffn_up.weight";
        float[] truth = floats(f32, name);
        double errDirect = rms(truth, floats(direct, name));
        double errRequantized = rms(truth, floats(requantized, name));
        assertTrue(errRequantized < 1.2 * errDirect && errRequantized > errDirect * 0.8,
                errRequantized + " vs " + errDirect);
    }

    private static io.wasmchord.gguf.GgufFile open(Path p) throws Exception {
        return io.wasmchord.gguf.GgufFile.open(new io.wasmchord.io.ByteArraySource(p.toString(), Files.readAllBytes(p)));
    }

    private static float[] floats(io.wasmchord.gguf.GgufFile f, String name) {
        io.wasmchord.gguf.GgufTensor t = f.tensor(name);
        byte[] b = new byte[(int) t.byteSize()];
        f.data(t).read(0, b, 0, b.length);
        float[] out = new float[(int) t.elementCount()];
        t.type().format().dequantize(b, 0, out, 0, out.length);
        return out;
    }

    private static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }

    @Test
    void failedRunLeavesNoFile() throws Exception {
        // The second tensor holds a NaN: quantizing fails after the first tensor was written.
        Path in = dir.resolve("nan.gguf");
        float[] good = new float[64 * 4];
        float[] bad = new float[64 * 4];
        for (int i = 0; i < good.length; i++) {
            good[i] = (i % 7) - 3;
            bad[i] = i;
        }
        bad[200] = Float.NaN;
        GgufWriter w = new GgufWriter().put("general.architecture", GgufValue.of("llama"));
        w.addTensor("blk.0.attn_q.weight", GgmlType.F32, new long[] {64, 4}, floats(good));
        w.addTensor("blk.0.attn_v.weight", GgmlType.F32, new long[] {64, 4}, floats(bad));
        try (OutputStream os = Files.newOutputStream(in)) {
            w.write(os);
        }
        Path out = dir.resolve("out.gguf");
        Result r = run("quantize", "--quiet", in.toString(), out.toString(), "Q8_0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("blk.0.attn_v.weight") && r.err().contains("row 3"), r.err());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the input may remain");
        }
    }

    private static byte[] floats(float[] v) {
        byte[] b = new byte[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            LittleEndian.putFloat(b, 4 * i, v[i]);
        }
        return b;
    }
}
