package io.wasmchord.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.quant.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Synthetic models must be laid out as llama.cpp lays out the same shape: checked against the synthK-A
 * files that llama-quantize wrote, tensor by tensor.
 */
class SyntheticModelTest {
    /** synthK-A's shape (see ../shared/models/README.md). */
    private static final ModelShape SYNTH_K_A = new ModelShape("synthK-A", 256, 768, 2, 4, 2, 512, 128, 1e-5f, 10000f);

    static Path sharedModels() {
        String p = System.getProperty("shared.models");
        return p != null ? Path.of(p) : Path.of("..", "..", "shared", "models");
    }

    static Stream<Path> synthKAFiles() throws IOException {
        Path dir = sharedModels().resolve("synthK-A/gguf");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(f -> f.toString().endsWith(".gguf")).sorted().forEach(files::add);
        }
        return files.stream();
    }

    private static GgufFile synthesize(ModelShape shape, QuantMix mix) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SyntheticModel.writer(shape, mix, SynthVocab.byteLevel(shape.vocab()), 7).write(out);
        return GgufFile.open(new ByteArraySource("synthetic", out.toByteArray()));
    }

    @ParameterizedTest
    @MethodSource("synthKAFiles")
    void picksTheBlockTypesLlamaQuantizePicks(Path reference) throws IOException {
        String file = reference.getFileName().toString();
        String typeName = file.substring("synthK-A-".length(), file.length() - ".gguf".length());
        QuantMix mix = QuantMix.byName(typeName);
        assertNotNull(mix, "no mixture named " + typeName);
        byte[] bytes = Files.readAllBytes(reference);
        try (GgufFile ref = GgufFile.open(new ByteArraySource(file, bytes)); GgufFile ours = synthesize(SYNTH_K_A, mix)) {
            if (ref.has("general.file_type")) {
                assertEquals(ref.getInt("general.file_type", -1), ours.getInt("general.file_type", -2), file + " file_type");
            }
            assertEquals(ref.tensors().size(), ours.tensors().size(), file + " tensor count");
            for (GgufTensor t : ref.tensors()) {
                GgufTensor o = ours.tensor(t.name());
                assertNotNull(o, file + ": no tensor " + t.name());
                assertEquals(t.type(), o.type(), file + ": type of " + t.name());
                assertArrayEquals(t.ne(), o.ne(), file + ": shape of " + t.name());
                assertEquals(t.byteSize(), o.byteSize(), file + ": bytes of " + t.name());
            }
            for (String key : List.of("llama.embedding_length", "llama.feed_forward_length", "llama.block_count",
                    "llama.attention.head_count", "llama.attention.head_count_kv", "llama.rope.dimension_count")) {
                assertEquals(ref.getInt(key, -1), ours.getInt(key, -2), file + ": " + key);
            }
        }
    }

    @Test
    void quantizedBlocksHoldFiniteWeightsOfTrainedSize() throws IOException {
        try (GgufFile g = synthesize(SYNTH_K_A, QuantMix.byName("Q8_0"))) {
            GgufTensor t = g.tensor("blk.0.ffn_up.weight");
            byte[] b = new byte[(int) t.byteSize()];
            g.data(t).read(0, b, 0, b.length);
            double sumSq = 0;
            long n = 0;
            for (int block = 0; block < b.length; block += GgmlType.Q8_0.typeSize) {
                float d = Float.float16ToFloat((short) ((b[block] & 0xff) | (b[block + 1] << 8)));
                assertTrue(Float.isFinite(d) && d > 0, "scale " + d);
                for (int i = 0; i < 32; i++) {
                    double v = d * b[block + 2 + i];
                    sumSq += v * v;
                    n++;
                }
            }
            double rms = Math.sqrt(sumSq / n);
            assertTrue(rms > 0.01 && rms < 0.04, "rms " + rms);
        }
    }

    @Test
    void sameSeedWritesSameBytes() throws IOException {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        QuantMix mix = QuantMix.byName("Q4_K_M");
        SyntheticModel.writer(SYNTH_K_A, mix, SynthVocab.byteLevel(512), 3).write(a);
        SyntheticModel.writer(SYNTH_K_A, mix, SynthVocab.byteLevel(512), 3).write(b);
        assertArrayEquals(a.toByteArray(), b.toByteArray());
    }

    @Test
    void copiedVocabularyIsPaddedToTheShapeSize() throws IOException {
        Path stories = sharedModels().resolve("stories260K/stories260K-F32.gguf");
        try (GgufFile source = GgufFile.open(new ByteArraySource("stories260K", Files.readAllBytes(stories)))) {
            var vocab = SynthVocab.copiedFrom(source, 32000);
            String[] tokens = vocab.get("tokenizer.ggml.tokens").asStringArray();
            String[] original = source.get("tokenizer.ggml.tokens").asStringArray();
            assertEquals(32000, tokens.length);
            assertEquals(original[300], tokens[300]);
            assertEquals(32000, vocab.get("tokenizer.ggml.scores").asFloatArray().length);
            assertEquals(5, vocab.get("tokenizer.ggml.token_type").asIntArray()[31999]);
            assertEquals(32000, new java.util.HashSet<>(List.of(tokens)).size(), "token pieces must be distinct");
        }
    }
}
