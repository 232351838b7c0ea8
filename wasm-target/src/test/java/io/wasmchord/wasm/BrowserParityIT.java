package io.wasmchord.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.wasmchord.generate.LoadedModel;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.sample.SamplingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The npm package in headless Chromium generates the JVM scalar path's tokens, greedy and sampled, on a
 * model of every block format (synthK-A F32, F16, BF16, Q8_0, Q6_K and the ten -pure files) and on
 * stories260K-F32, whose greedy story is llama.cpp's.
 */
class BrowserParityIT {
    private static final String[] FILES = {
        "stories260K/stories260K-F32.gguf",
        "synthK-A/gguf/synthK-A-F32.gguf", "synthK-A/gguf/synthK-A-F16.gguf", "synthK-A/gguf/synthK-A-BF16.gguf",
        "synthK-A/gguf/synthK-A-Q8_0.gguf", "synthK-A/gguf/synthK-A-Q6_K.gguf",
        "synthK-A/gguf/synthK-A-Q2_K-pure.gguf", "synthK-A/gguf/synthK-A-Q3_K-pure.gguf",
        "synthK-A/gguf/synthK-A-Q4_K-pure.gguf", "synthK-A/gguf/synthK-A-Q5_K-pure.gguf",
        "synthK-A/gguf/synthK-A-Q4_0-pure.gguf", "synthK-A/gguf/synthK-A-Q4_1-pure.gguf",
        "synthK-A/gguf/synthK-A-Q5_0-pure.gguf", "synthK-A/gguf/synthK-A-Q5_1-pure.gguf",
        "synthK-A/gguf/synthK-A-IQ4_NL-pure.gguf", "synthK-A/gguf/synthK-A-IQ4_XS-pure.gguf",
    };
    private static final String PROMPT = "Once upon a time";
    private static final int TOKENS = 16;

    /** Runs every case in the page: load by URL, generate, return the ids. */
    private static final String SCRIPT = """
            async (cases) => {
              const { Chord } = await import("/pkg/chord.js");
              const out = [];
              for (const c of cases) {
                const llm = await Chord.load("/models/" + c.file, { contextLength: 256 });
                const g = llm.generate(c.prompt, c.options);
                await g.text();
                out.push(g.tokens);
                llm.dispose();
              }
              return out;
            }
            """;

    @Test
    void chromiumGeneratesTheJvmTokens() throws Exception {
        Path models = JvmTokensTest.models();
        Path npm = Path.of(System.getProperty("chord.npm.dir", "target/npm"));
        try (BrowserHarness browser = BrowserHarness.openOrNull(npm, models)) {
            if (browser == null) {
                String message = "no Chromium (set CHORD_CHROMIUM or install Debian's chromium): browser parity not checked";
                if ("required".equals(System.getProperty("chord.browser"))) {
                    fail(message);
                }
                System.err.println("WARNING: " + message);
                Assumptions.abort(message);
            }
            List<Map<String, Object>> cases = new ArrayList<>();
            List<int[]> expected = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String file : FILES) {
                try (LoadedModel model = LoadedModel.load(new ByteArraySource(file, Files.readAllBytes(models.resolve(file))))) {
                    for (boolean sampled : new boolean[] {false, true}) {
                        SamplingParams p = sampled ? JvmTokensTest.SAMPLED : SamplingParams.greedy();
                        expected.add(JvmTokensTest.run(model.newSession(256, new io.wasmchord.kernel.ScalarKernels()),
                                PROMPT, p, TOKENS));
                        cases.add(Map.of("file", file, "prompt", PROMPT, "options", Map.of(
                                "temperature", sampled ? 0.8 : 0, "seed", 42, "maxTokens", TOKENS, "ignoreEos", true)));
                        names.add(file + (sampled ? " sampled" : " greedy"));
                    }
                }
            }
            Object result = browser.page.evaluate(SCRIPT, cases);
            List<?> got = (List<?>) result;
            assertEquals(cases.size(), got.size());
            for (int i = 0; i < got.size(); i++) {
                int[] ids = ((List<?>) got.get(i)).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                assertEquals(Arrays.toString(expected.get(i)), Arrays.toString(ids),
                        names.get(i) + " in Chromium " + browser.browserVersion());
            }
        }
    }
}
