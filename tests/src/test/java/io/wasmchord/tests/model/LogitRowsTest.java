package io.wasmchord.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.model.ModelState;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A prompt that asks for fewer logit rows than tokens (the last layer then runs only those rows past the
 * cache) gives those rows, and a cache that continues, exactly as a prompt that asks for every row.
 * stories260K-F32 on the scalar kernels, whose rows do not depend on the batch around them; 300 tokens
 * are three slices of the model's batch, so slices with no, some and all rows asked for all occur.
 */
class LogitRowsTest {
    @Test
    void fewerLogitRowsGiveTheSameRowsAndCache() {
        int[] tokens = Arrays.copyOf(PerplexityTest.pplTokens(), 300);
        int next = tokens[5];
        try (Reference.Loaded loaded = new Reference.Loaded(Reference.named("stories260K-F32"))) {
            int vocab = loaded.model.config().vocabSize();
            ModelState everyRow = loaded.model.newState(512, new ScalarKernels());
            float[] all = new float[tokens.length * vocab];
            loaded.model.forward(everyRow, tokens, 0, tokens.length, tokens.length, all);
            float[] after = new float[vocab];
            loaded.model.forward(everyRow, new int[] {next}, 0, 1, 1, after);
            for (int outputs : new int[] {1, 3, 130, 299}) {
                ModelState s = loaded.model.newState(512, new ScalarKernels());
                float[] some = new float[outputs * vocab];
                loaded.model.forward(s, tokens, 0, tokens.length, outputs, some);
                assertArrayEquals(Arrays.copyOfRange(all, (tokens.length - outputs) * vocab, all.length), some,
                        "the last " + outputs + " rows");
                float[] continued = new float[vocab];
                loaded.model.forward(s, new int[] {next}, 0, 1, 1, continued);
                assertArrayEquals(after, continued, "the token after a prompt that asked for " + outputs + " rows");
            }
        }
    }
}
