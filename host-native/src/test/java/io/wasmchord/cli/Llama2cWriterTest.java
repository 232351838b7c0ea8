package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.convert.Llama2cWriter;
import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteArraySource;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The llama2.c form (what chord synth --format llama2c writes) converts back to the same model. */
class Llama2cWriterTest {
    @TempDir
    Path dir;

    @Test
    void writtenCheckpointConvertsBackToTheSameTensorsAndVocabulary() throws Exception {
        Path src = QuantizeCommandTest.shared().resolve("synthK-A/gguf/synthK-A-F32.gguf");
        GgufFile ref = GgufFile.open(new ByteArraySource(src.toString(), Files.readAllBytes(src)));
        Llama2cWriter w = new Llama2cWriter(ref);
        Path model = dir.resolve("m.bin");
        Path tok = SynthForms.tokenizerPath(model);
        try (OutputStream m = Files.newOutputStream(model); OutputStream t = Files.newOutputStream(tok)) {
            w.writeModel(m);
            w.writeTokenizer(t);
        }
        Path out = dir.resolve("m.gguf");
        PrintStream old = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Chord.run(new String[] {"convert-llama2c", model.toString(), tok.toString(), out.toString()}));
        } finally {
            System.setErr(old);
        }
        GgufFile got = GgufFile.open(new ByteArraySource(out.toString(), Files.readAllBytes(out)));
        for (GgufTensor t : ref.tensors()) {
            GgufTensor o = got.tensor(t.name());
            assertArrayEquals(t.ne(), o.ne(), t.name());
            byte[] a = new byte[(int) t.byteSize()];
            byte[] b = new byte[(int) o.byteSize()];
            ref.data(t).read(0, a, 0, a.length);
            got.data(o).read(0, b, 0, b.length);
            assertArrayEquals(a, b, t.name());
        }
        String[] tokens = ref.require("tokenizer.ggml.tokens").asStringArray();
        String[] back = got.require("tokenizer.ggml.tokens").asStringArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(tokens, 3, tokens.length), java.util.Arrays.copyOfRange(back, 3, back.length));
        assertArrayEquals(ref.require("tokenizer.ggml.scores").asFloatArray(), got.require("tokenizer.ggml.scores").asFloatArray());
        assertEquals(ref.require("llama.context_length").asInt(), got.require("llama.context_length").asInt());
    }
}
