package io.wasmchord.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.generate.LoadedModel;
import io.wasmchord.generate.Session;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.sample.SamplingParams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The JVM scalar path's logits, to the bit, for the Node and browser tests to match: on the seven files
 * issue 6 names and the three reference prompts, the logits after the prompt and after each of the first
 * {@value #STEPS} greedy tokens, computed with Session.evaluate (prompt prefill, then one token at a time,
 * as generation runs). Written to target/jvm-logits.json as base64 of little-endian float32, so NaN
 * payloads and negative zeros survive. The prompt-end logits are checked against llama.cpp's first, and
 * the greedy ids against what generation gives, so the file cannot carry a wrong answer forward.
 */
class JvmLogitsTest {
    /** stories260K F32, Q8_0, Q4_K_M and synthK-A F32, Q4_K_M, Q6_K, IQ4_XS (issue 6). */
    static final String[] FILES = {
        "stories260K/stories260K-F32.gguf", "stories260K/stories260K-Q8_0.gguf", "stories260K/stories260K-Q4_K_M.gguf",
        "synthK-A/gguf/synthK-A-F32.gguf", "synthK-A/gguf/synthK-A-Q4_K_M.gguf", "synthK-A/gguf/synthK-A-Q6_K.gguf",
        "synthK-A/gguf/synthK-A-IQ4_XS.gguf",
    };
    static final int STEPS = 16;

    @Test
    void writesTheJvmLogitsOfTheNamedModels() throws IOException {
        StringBuilder json = new StringBuilder("{\n");
        for (int f = 0; f < FILES.length; f++) {
            String file = FILES[f];
            Path path = JvmTokensTest.models().resolve(file);
            try (LoadedModel model = LoadedModel.load(new ByteArraySource(file, Files.readAllBytes(path)))) {
                json.append("  \"").append(file).append("\": {");
                for (int p = 0; p < JvmTokensTest.PROMPTS.length; p++) {
                    String prompt = JvmTokensTest.PROMPTS[p];
                    Trace t = trace(model, prompt);
                    checkAgainstLlamaCpp(file, prompt, t.logits.get(0));
                    int[] generated = JvmTokensTest.run(model.newSession(256, new ScalarKernels()), prompt,
                            SamplingParams.greedy(), STEPS);
                    assertArrayEquals(generated, t.greedy, file + ": evaluate's argmax and greedy generation after " + prompt);
                    json.append(p == 0 ? "\n" : ",\n").append("    \"").append(prompt).append("\": {\"prompt\": ")
                            .append(Arrays.toString(t.prompt)).append(", \"greedy\": ").append(Arrays.toString(t.greedy))
                            .append(", \"logits\": [");
                    for (int i = 0; i < t.logits.size(); i++) {
                        json.append(i == 0 ? "\n      \"" : ",\n      \"").append(base64(t.logits.get(i))).append('"');
                    }
                    json.append("]}");
                }
                json.append("\n  }").append(f == FILES.length - 1 ? "\n" : ",\n");
            }
        }
        Files.writeString(Path.of("target", "jvm-logits.json"), json.append("}\n").toString());
    }

    /** The prompt's ids, the greedy ids, and the logits after the prompt and after each greedy id. */
    record Trace(int[] prompt, int[] greedy, List<float[]> logits) {
    }

    static Trace trace(LoadedModel model, String prompt) {
        Session session = model.newSession(256, new ScalarKernels());
        int[] ids = model.tokenizer().encode(prompt, true, false);
        int[] tokens = Arrays.copyOf(ids, ids.length + STEPS);
        int[] greedy = new int[STEPS];
        List<float[]> all = new ArrayList<>();
        for (int step = 0; step <= STEPS; step++) {
            float[] logits = new float[model.model().config().vocabSize()];
            session.evaluate(Arrays.copyOf(tokens, ids.length + step), logits);
            all.add(logits);
            if (step < STEPS) {
                greedy[step] = argmax(logits);
                tokens[ids.length + step] = greedy[step];
            }
        }
        return new Trace(ids, greedy, all);
    }

    /** The first index of the largest value, as the greedy sampler picks. */
    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The prompt-end logits are llama.cpp's within the README's tolerances (F32: 0.03, quantized: 0.6). */
    private static void checkAgainstLlamaCpp(String file, String prompt, float[] logits) throws IOException {
        String family = file.substring(0, file.indexOf('/'));
        String name = file.substring(file.lastIndexOf('/') + 1).replace(".gguf", "");
        String slug = prompt.toLowerCase(Locale.ROOT).replace(' ', '-');
        byte[] bytes = Files.readAllBytes(JvmTokensTest.models().resolve(family + "/ref/logits/" + name + "__" + slug + ".f32"));
        ByteBuffer ref = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(logits.length * 4, bytes.length, name + ": vocabulary size");
        double tolerance = name.endsWith("-F32") ? 0.03 : 0.6;
        double worst = 0;
        for (int i = 0; i < logits.length; i++) {
            worst = Math.max(worst, Math.abs(logits[i] - ref.getFloat(i * 4)));
        }
        assertTrue(worst <= tolerance, name + " after " + prompt + ": max |logit - llama.cpp| " + worst);
    }

    private static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putInt(Float.floatToRawIntBits(x));
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
