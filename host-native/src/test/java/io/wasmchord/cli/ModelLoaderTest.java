package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wasmchord.generate.LoadedModel;
import io.wasmchord.host.kernels.VectorKernels;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.tools.ModelShape;
import io.wasmchord.tools.QuantMix;
import io.wasmchord.tools.SynthVocab;
import io.wasmchord.tools.SyntheticModel;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Which kernels the generating commands get: scalar for models too small to repay the Vector API's warm-up. */
class ModelLoaderTest {
    /** About stories260K's size: 0.3M weights x 128 positions, far below the limit. */
    private static final ModelShape SMALL = new ModelShape("small", 64, 192, 5, 8, 4, 512, 128, 1e-5f, 10000f);
    /** 5.5M weights x 2,048 positions, far above it. */
    private static final ModelShape LARGE = new ModelShape("large", 256, 768, 4, 8, 8, 4096, 2048, 1e-5f, 10000f);

    @Test
    void smallModelsGetTheScalarKernels() throws Exception {
        try (LoadedModel small = load(SMALL)) {
            assertInstanceOf(ScalarKernels.class, ModelLoader.kernels(0, small, 0));
        }
    }

    @Test
    void largerModelsOrLongContextsGetTheVectorKernels() throws Exception {
        try (LoadedModel large = load(LARGE)) {
            Kernels k = ModelLoader.kernels(2, large, 0);
            assertInstanceOf(VectorKernels.class, k);
            assertEquals(2, ((VectorKernels) k).threads());
            ModelLoader.release(k);
            // the same weights in a short context do not repay the warm-up
            assertInstanceOf(ScalarKernels.class, ModelLoader.kernels(2, large, 16));
        }
    }

    @Test
    void thePropertyOverridesTheChoice() throws Exception {
        try (LoadedModel small = load(SMALL)) {
            System.setProperty("chord.kernels", "vector");
            Kernels k = ModelLoader.kernels(1, small, 0);
            assertInstanceOf(VectorKernels.class, k);
            ModelLoader.release(k);
            System.setProperty("chord.kernels", "fast");
            assertThrows(Args.UsageException.class, () -> ModelLoader.kernels(1, small, 0));
        } finally {
            System.clearProperty("chord.kernels");
        }
    }

    private static LoadedModel load(ModelShape shape) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SyntheticModel.writer(shape, QuantMix.byName("Q8_0"), SynthVocab.byteLevel(shape.vocab()), 1).write(bytes);
        return LoadedModel.load(new ByteArraySource("synthetic " + shape.name(), bytes.toByteArray()));
    }
}
