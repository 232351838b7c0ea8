package io.wasmchord.tests.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.host.MappedFile;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.model.Architecture;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.ModelConfig;
import io.wasmchord.model.ModelException;
import io.wasmchord.model.ModelState;
import io.wasmchord.model.Models;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Configuration from metadata, and clear errors for files the graph cannot run. */
class ModelLoadingTest {

    /** stories260K-F32 rewritten with some metadata changed and some tensors left out. */
    private static GgufFile variant(Map<String, GgufValue> changes, Predicate<String> dropTensor) throws Exception {
        try (GgufFile src = GgufFile.open(MappedFile.open(Reference.named("stories260K-F32").gguf()))) {
            GgufWriter w = new GgufWriter();
            for (Map.Entry<String, GgufValue> e : src.metadata().entrySet()) {
                w.put(e.getKey(), changes.getOrDefault(e.getKey(), e.getValue()));
            }
            for (Map.Entry<String, GgufValue> e : changes.entrySet()) {
                w.put(e.getKey(), e.getValue());
            }
            for (GgufTensor t : src.tensors()) {
                if (!dropTensor.test(t.name())) {
                    byte[] b = new byte[(int) t.byteSize()];
                    src.data(t).read(0, b, 0, b.length);
                    w.addTensor(t.name(), t.type(), t.ne(), b);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            w.write(out);
            return GgufFile.open(new ByteArraySource("variant.gguf", out.toByteArray()));
        }
    }

    @Test
    void configurationComesFromMetadata() throws Exception {
        try (GgufFile f = GgufFile.open(MappedFile.open(Reference.named("stories260K-F32").gguf()))) {
            ModelConfig c = ModelConfig.read(f);
            assertEquals(Architecture.LLAMA, c.architecture());
            assertEquals(64, c.embeddingLength());
            assertEquals(5, c.blockCount());
            assertEquals(8, c.headCount());
            assertEquals(4, c.headCountKv());
            assertEquals(8, c.headDim());
            assertEquals(172, c.feedForwardLength());
            assertEquals(512, c.vocabSize());
            assertEquals(128, c.contextLength());
            assertEquals(10000f, c.ropeFreqBase());
            assertEquals(1e-5f, c.rmsEps());
        }
    }

    @Test
    void anUnsupportedArchitectureFailsAtLoadNamingItAndTheSupportedOnes() throws Exception {
        GgufFile f = variant(Map.of("general.architecture", GgufValue.of("mamba")), n -> false);
        ModelException e = assertThrows(ModelException.class, () -> Models.load(f));
        assertTrue(e.getMessage().contains("\"mamba\"") && e.getMessage().contains("llama")
                && e.getMessage().contains("qwen2"), e.getMessage());
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        GgufFile f = variant(Map.of(), n -> n.equals("blk.3.ffn_up.weight"));
        ModelException e = assertThrows(ModelException.class, () -> Models.load(f));
        assertTrue(e.getMessage().contains("blk.3.ffn_up.weight"), e.getMessage());
    }

    @Test
    void qwen2RequiresItsBiases() throws Exception {
        Map<String, GgufValue> qwen = new java.util.HashMap<>();
        qwen.put("general.architecture", GgufValue.of("qwen2"));
        GgufFile src = variant(Map.of(), n -> false);
        for (Map.Entry<String, GgufValue> e : src.metadata().entrySet()) {
            if (e.getKey().startsWith("llama.")) {
                qwen.put("qwen2." + e.getKey().substring(6), e.getValue());
            }
        }
        GgufFile f = variant(qwen, n -> false);
        ModelException e = assertThrows(ModelException.class, () -> Models.load(f));
        assertTrue(e.getMessage().contains("attn_q.bias"), e.getMessage());
    }

    @Test
    void linearRopeScalingAndTheTokensPastTheContextAreHandled() throws Exception {
        GgufFile f = variant(Map.of("llama.rope.scaling.type", GgufValue.of("linear"),
                "llama.rope.scaling.factor", GgufValue.ofFloat32(4f)), n -> false);
        LanguageModel m = Models.load(f);
        assertEquals(0.25f, m.config().ropeFreqScale());
        ModelState s = m.newState(4, new ScalarKernels());
        float[] logits = new float[512];
        m.forward(s, new int[] {1, 403, 407}, 0, 3, 1, logits);
        ModelException e = assertThrows(ModelException.class,
                () -> m.forward(s, new int[] {261, 378}, 0, 2, 1, logits));
        assertTrue(e.getMessage().contains("context"), e.getMessage());

        GgufFile yarn = variant(Map.of("llama.rope.scaling.type", GgufValue.of("yarn")), n -> false);
        assertThrows(ModelException.class, () -> Models.load(yarn));
    }
}
