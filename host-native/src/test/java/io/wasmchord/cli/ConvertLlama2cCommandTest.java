package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteArraySource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chord convert-llama2c} on stories260K against llama.cpp's conversion of the same files. */
class ConvertLlama2cCommandTest {
    @TempDir
    Path dir;

    private static final Path STORIES = QuantizeCommandTest.shared().resolve("stories260K");

    private static int run(String... args) {
        PrintStream old = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return Chord.run(args);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void sameFileAsLlamaCppWithItsContextLength() throws Exception {
        Path out = dir.resolve("s.gguf");
        assertEquals(0, run("convert-llama2c", "--context-length", "128", STORIES.resolve("stories260K.bin").toString(),
                STORIES.resolve("tok512.bin").toString(), out.toString()));
        assertArrayEquals(Files.readAllBytes(STORIES.resolve("stories260K-F32.gguf")), Files.readAllBytes(out));
    }

    @Test
    void defaultKeepsTheCheckpointsSequenceLength() throws Exception {
        Path out = dir.resolve("s.gguf");
        assertEquals(0, run("convert-llama2c", STORIES.resolve("stories260K.bin").toString(),
                STORIES.resolve("tok512.bin").toString(), out.toString()));
        GgufFile ours = open(out);
        GgufFile ref = open(STORIES.resolve("stories260K-F32.gguf"));
        assertEquals(512, ours.getInt("llama.context_length", 0));
        assertEquals(ref.metadata().keySet(), ours.metadata().keySet());
        assertArrayEquals(ref.require("tokenizer.ggml.tokens").asStringArray(), ours.require("tokenizer.ggml.tokens").asStringArray());
        assertArrayEquals(ref.require("tokenizer.ggml.scores").asFloatArray(), ours.require("tokenizer.ggml.scores").asFloatArray());
        assertArrayEquals(ref.require("tokenizer.ggml.token_type").asIntArray(), ours.require("tokenizer.ggml.token_type").asIntArray());
        for (GgufTensor t : ref.tensors()) {
            GgufTensor o = ours.tensor(t.name());
            assertArrayEquals(t.ne(), o.ne(), t.name());
            assertArrayEquals(bytes(ref, t), bytes(ours, o), t.name());
        }
    }

    @Test
    void truncatedCheckpointIsAnErrorAndWritesNothing() throws Exception {
        byte[] model = Files.readAllBytes(STORIES.resolve("stories260K.bin"));
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(model, model.length - 100));
        Path out = dir.resolve("s.gguf");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Chord.run(new String[] {"convert-llama2c", cut.toString(), STORIES.resolve("tok512.bin").toString(), out.toString()});
        } finally {
            System.setErr(old);
        }
        assertEquals(1, code);
        assertTrue(err.toString().contains("truncated"), err.toString());
        assertFalse(Files.exists(out));
    }

    private static GgufFile open(Path p) throws Exception {
        return GgufFile.open(new ByteArraySource(p.toString(), Files.readAllBytes(p)));
    }

    private static byte[] bytes(GgufFile f, GgufTensor t) {
        byte[] b = new byte[(int) t.byteSize()];
        f.data(t).read(0, b, 0, b.length);
        return b;
    }
}
