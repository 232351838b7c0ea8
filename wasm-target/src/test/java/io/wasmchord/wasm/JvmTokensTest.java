package io.wasmchord.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.generate.Generation;
import io.wasmchord.generate.GenerationOptions;
import io.wasmchord.generate.LoadedModel;
import io.wasmchord.generate.Session;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.sample.SamplingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the JVM's scalar path generates on every shared model, greedy and sampled, written to
 * target/jvm-tokens.json for the Node and browser tests to match token for token. Where llama.cpp's
 * free-running greedy output is a fair reference (stories260K F32/F16, README), the JVM must match it
 * first, so the file cannot carry a wrong answer forward.
 */
class JvmTokensTest {
    static final String[] PROMPTS = {"Once upon a time", "The little dog", "Lily wanted to"};
    /** The sampled runs: llama.cpp's default chain at temperature 0.8, fixed seed. */
    static final SamplingParams SAMPLED = SamplingParams.defaults().withSeed(42);
    static final int SAMPLED_TOKENS = 16;

    static Path models() {
        String p = System.getProperty("shared.models");
        Path path = p != null ? Path.of(p) : Path.of("..", "..", "shared", "models");
        return Files.isDirectory(path) ? path : Path.of("..", "shared", "models");
    }

    @Test
    void writesTheJvmTokensOfEveryModel() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String family : new String[] {"stories260K", "synthK-A/gguf"}) {
            try (Stream<Path> s = Files.list(models().resolve(family))) {
                s.filter(p -> p.toString().endsWith(".gguf")).sorted().forEach(files::add);
            }
        }
        assertEquals(44, files.size(), "15 stories260K and 29 synthK-A files");
        StringBuilder json = new StringBuilder("{\n");
        int fairChecks = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            boolean stories = name.startsWith("stories260K");
            int greedyTokens = stories ? 64 : 16; // the full reference length where it is a fair check
            try (LoadedModel model = LoadedModel.load(new ByteArraySource(name, Files.readAllBytes(file)))) {
                json.append("  \"").append(name).append("\": {");
                for (int i = 0; i < PROMPTS.length; i++) {
                    Session session = model.newSession(256, new ScalarKernels());
                    int[] greedy = run(session, PROMPTS[i], SamplingParams.greedy(), greedyTokens);
                    session.reset();
                    // Sampling follows the same code whatever the weights: one prompt per file is enough.
                    int[] sampled = i == 0 ? run(session, PROMPTS[i], SAMPLED, SAMPLED_TOKENS) : null;
                    if (name.equals("stories260K-F32.gguf") || name.equals("stories260K-F16.gguf")) {
                        assertArrayEquals(llamaCppGreedy(name, PROMPTS[i]), greedy, name + " after " + PROMPTS[i]);
                        fairChecks++;
                    }
                    json.append(i == 0 ? "\n" : ",\n").append("    \"").append(PROMPTS[i]).append("\": {\"greedy\": ")
                            .append(ints(greedy));
                    if (sampled != null) {
                        json.append(", \"sampled\": ").append(ints(sampled));
                    }
                    json.append('}');
                }
                json.append("\n  }").append(file.equals(files.get(files.size() - 1)) ? "\n" : ",\n");
            }
        }
        assertEquals(6, fairChecks);
        Files.writeString(Path.of("target", "jvm-tokens.json"), json.append("}\n").toString());
    }

    static int[] run(Session session, String prompt, SamplingParams sampling, int maxTokens) {
        GenerationOptions options = GenerationOptions.defaults().withSampling(sampling).withMaxTokens(maxTokens)
                .withIgnoreEos(true);
        Generation g = session.generate(prompt, options);
        g.collect(null);
        int[] ids = g.generatedTokens();
        assertEquals(maxTokens, ids.length);
        return ids;
    }

    /** generated_tokens of the result for {@code prompt} in llama.cpp's gen/<model>.json. */
    private static int[] llamaCppGreedy(String file, String prompt) throws IOException {
        String text = Files.readString(models().resolve("stories260K/ref/gen/" + file.replace(".gguf", ".json")));
        int at = text.indexOf("\"prompt\": \"" + prompt + "\"");
        assertTrue(at >= 0, "no result for " + prompt + " in the reference of " + file);
        Matcher m = Pattern.compile("\"generated_tokens\":\\s*\\[([0-9,\\s]*)]").matcher(text);
        assertTrue(m.find(at));
        String[] parts = m.group(1).trim().split("\\s*,\\s*");
        int[] ids = new int[parts.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Integer.parseInt(parts[i].trim());
        }
        return ids;
    }

    private static String ints(int[] a) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < a.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(a[i]);
        }
        return sb.append(']').toString();
    }
}
