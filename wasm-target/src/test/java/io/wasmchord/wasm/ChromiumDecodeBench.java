package io.wasmchord.wasm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Decode speed of the npm package in headless Chromium, measured as bench/node-decode.mjs does in Node
 * (a benchmark, not a test):
 *   mvn -q -pl wasm-target exec:java -Dexec.classpathScope=test \
 *       -Dexec.mainClass=io.wasmchord.wasm.ChromiumDecodeBench -Dexec.args="MODEL.gguf [tokens] [runs] [simd,scalar]"
 * after a build (the package in target/npm).
 */
public final class ChromiumDecodeBench {
    private static final String SCRIPT = """
            async ({ url, tokens, runs, kernels }) => {
              const { Chord } = await import("/pkg/chord.js");
              const t0 = performance.now();
              const llm = await Chord.load(url, { contextLength: 256, kernels });
              const loadMs = performance.now() - t0;
              const rates = [];
              for (let r = 0; r <= runs; r++) {
                llm.reset();
                const g = llm.generate("Once upon a time", { temperature: 0, maxTokens: tokens, ignoreEos: true });
                await g.text();
                if (r > 0) rates.push(g.usage.decodeTokensPerSecond);
              }
              const size = llm.info().fileSize;
              llm.dispose();
              return { loadMs, size, rates };
            }
            """;

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]).toAbsolutePath();
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String[] kernelChoices = (args.length > 3 ? args[3] : "simd,scalar").split(",");
        try (BrowserHarness browser = BrowserHarness.openOrNull(Path.of("target/npm"), JvmTokensTest.models(),
                model.getParent())) {
            if (browser == null) {
                throw new IllegalStateException("no Chromium: set CHORD_CHROMIUM or install chromium");
            }
            browser.page.setDefaultTimeout(0);
            for (String kernels : kernelChoices) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) browser.page.evaluate(SCRIPT,
                        Map.of("url", "/extra/" + model.getFileName(), "tokens", tokens, "runs", runs, "kernels", kernels));
                List<?> rates = (List<?>) r.get("rates");
                double[] sorted = rates.stream().mapToDouble(o -> ((Number) o).doubleValue()).sorted().toArray();
                System.out.printf("%s: %.2f GB, loaded in %.1f s%n", model, ((Number) r.get("size")).doubleValue() / 1e9,
                        ((Number) r.get("loadMs")).doubleValue() / 1000);
                System.out.printf("Chromium %s wasm decode, %s kernels: median %.2f tok/s (runs %s)%n",
                        browser.browserVersion(), kernels, sorted[sorted.length / 2], rates);
            }
        }
    }
}
