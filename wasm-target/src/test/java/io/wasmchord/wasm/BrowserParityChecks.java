package io.wasmchord.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wasmchord.generate.LoadedModel;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The npm package in a browser computes what the JVM scalar path does: the same tokens, greedy
 * and sampled, on a model of every block format (synthK-A F32, F16, BF16, Q8_0, Q6_K and the ten -pure
 * files) and stories260K-F32 (whose greedy story is llama.cpp's); and on the seven files issue 6 names,
 * for the three reference prompts, the same greedy ids and the same logits to the bit; and ChordWorker
 * runs the engine off the page's thread. Each browser starts once for all the checks; subclasses say how
 * a script runs in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserParityChecks {
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
    private static final String GENERATE = """
            async (cases) => {
              const { Chord } = await import("/pkg/chord.js");
              const out = [];
              for (const c of cases) {
                const llm = await Chord.load("/models/" + c.file, { contextLength: 256, kernels: "scalar" });
                for (const run of c.runs) {
                  llm.reset();
                  const g = llm.generate(run.prompt, run.options);
                  await g.text();
                  out.push(g.tokens);
                }
                llm.dispose();
              }
              return out;
            }
            """;

    /**
     * For each file and prompt: the logits after the prompt and after each of the JVM's greedy ids in
     * turn (base64 of the float32 bytes, compared as strings), and the argmax of each step.
     */
    private static final String LOGITS = """
            async (cases) => {
              const { Chord } = await import("/pkg/chord.js");
              const base64 = (f) => {
                const bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
                let s = "";
                for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
                return btoa(s);
              };
              const argmax = (v) => { let b = 0; for (let i = 1; i < v.length; i++) if (v[i] > v[b]) b = i; return b; };
              const out = [];
              for (const c of cases) {
                const llm = await Chord.load("/models/" + c.file, { contextLength: 256, kernels: c.kernels });
                for (const p of c.prompts) {
                  const tokens = [...p.ids];
                  const logits = [];
                  const greedy = [];
                  for (let step = 0; step <= p.forced.length; step++) {
                    const l = llm.evaluate(tokens);
                    logits.push(base64(l));
                    if (step === p.forced.length) break;
                    greedy.push(argmax(l));
                    tokens.push(p.forced[step]);
                  }
                  out.push({ ids: llm.tokenize(p.text), greedy, logits });
                }
                llm.dispose();
              }
              return out;
            }
            """;

    /**
     * ChordWorker in a page that never imports chord.js: the engine and the model are fetched by the
     * worker (the page's resource timing shows neither), and its answers are the JVM's.
     */
    private static final String WORKER = """
            async ({ file, forced }) => {
              performance.clearResourceTimings(); // what this page fetched before is not this check's
              const { ChordWorker } = await import("/pkg/worker.js");
              const base64 = (f) => {
                const bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
                let s = "";
                for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
                return btoa(s);
              };
              const progress = [];
              const llm = await ChordWorker.load("models/" + file, { contextLength: 256, kernels: "scalar",
                onProgress: (p) => progress.push(p) });
              const out = { progress: progress.at(-1), greedy: [] };
              for (const prompt of ["Once upon a time", "The little dog", "Lily wanted to"]) {
                await llm.reset();
                const g = llm.generate(prompt, { temperature: 0, maxTokens: 16, ignoreEos: true });
                await g.text();
                out.greedy.push(g.tokens);
              }
              const tokens = await llm.tokenize("Once upon a time");
              out.logits = [];
              for (let step = 0; step <= forced.length; step++) {
                out.logits.push(base64(await llm.evaluate(tokens)));
                tokens.push(forced[step]);
              }
              const controller = new AbortController();
              const aborted = llm.generate("The little dog", { temperature: 0, maxTokens: 60, signal: controller.signal });
              let n = 0;
              try {
                for await (const piece of aborted) if (++n === 3) controller.abort(new Error("stop now"));
              } catch (e) {
                out.abort = e.message + " " + aborted.usage.stopReason + " " + aborted.tokens.length;
              }
              // (a module worker's scripts are fetched on the page's behalf and listed; what they fetch is not)
              out.pageFetched = performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname)
                .filter((p) => p.endsWith(".wasm") || p.endsWith(".gguf"));
              const bytes = await (await fetch("/models/" + file)).arrayBuffer();
              const fromBytes = await ChordWorker.load(bytes);
              out.detached = bytes.byteLength;
              out.pageFetchedLater = performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname)
                .filter((p) => p.endsWith(".gguf"));
              out.bytesIds = await fromBytes.tokenize("Lily wanted to");
              await fromBytes.dispose();
              out.error = await ChordWorker.load(new Blob([new Uint8Array(8)])).then(() => "no error", (e) => e.constructor.name + ": " + e.message);
              await llm.dispose();
              out.disposed = await llm.tokenize("x").then(() => "no error", (e) => e.message);
              return out;
            }
            """;

    /** Runs {@code script} (a function of one argument, maybe async) on {@code arg} in a page; returns its value. */
    abstract Object run(String script, Object arg);

    /** As {@link #run}, in a page that has loaded nothing yet where the browser can give one. */
    Object runInFreshPage(String script, Object arg) {
        return run(script, arg);
    }

    /** "Chromium 150...", for messages. */
    abstract String browserName();

    @Test
    void generatesTheJvmTokens() throws Exception {
        List<Map<String, Object>> cases = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> named = Arrays.asList(JvmLogitsTest.FILES);
        List<String> files = new ArrayList<>(Arrays.asList(FILES));
        named.stream().filter(f -> !files.contains(f)).forEach(files::add);
        for (String file : files) {
            List<Map<String, Object>> runs = new ArrayList<>();
            try (LoadedModel model = load(file)) {
                // every file: greedy and sampled after the first prompt; the named files: all three prompts
                for (String prompt : named.contains(file) ? JvmTokensTest.PROMPTS : new String[] {PROMPT}) {
                    for (boolean sampled : prompt.equals(PROMPT) ? new boolean[] {false, true} : new boolean[] {false}) {
                        SamplingParams p = sampled ? JvmTokensTest.SAMPLED : SamplingParams.greedy();
                        expected.add(JvmTokensTest.run(model.newSession(256, new ScalarKernels()), prompt, p, TOKENS));
                        runs.add(Map.of("prompt", prompt, "options", Map.of("temperature", sampled ? 0.8 : 0,
                                "seed", 42, "maxTokens", TOKENS, "ignoreEos", true)));
                        names.add(file + (sampled ? " sampled" : " greedy") + " after \"" + prompt + "\"");
                    }
                }
            }
            cases.add(Map.of("file", file, "runs", runs));
        }
        List<?> got = (List<?>) run(GENERATE, cases);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(Arrays.toString(expected.get(i)), Arrays.toString(ints(got.get(i))),
                    names.get(i) + " in " + browserName());
        }
    }

    @Test
    void computesTheJvmLogitsToTheBit() throws Exception {
        List<Map<String, Object>> cases = new ArrayList<>();
        List<JvmLogitsTest.Trace> expected = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String file : JvmLogitsTest.FILES) {
            List<Map<String, Object>> prompts = new ArrayList<>();
            List<JvmLogitsTest.Trace> traces = new ArrayList<>();
            try (LoadedModel model = load(file)) {
                for (String prompt : JvmTokensTest.PROMPTS) {
                    JvmLogitsTest.Trace t = JvmLogitsTest.trace(model, prompt);
                    traces.add(t);
                    prompts.add(Map.of("text", prompt, "ids", boxed(t.prompt()), "forced", boxed(t.greedy())));
                }
            }
            // the SIMD kernels (what users get) keep the scalar code's float order: the same bits
            for (String kernels : new String[] {"scalar", "simd"}) {
                for (int i = 0; i < traces.size(); i++) {
                    expected.add(traces.get(i));
                    names.add(file + " after \"" + JvmTokensTest.PROMPTS[i] + "\", " + kernels + " kernels");
                }
                cases.add(Map.of("file", file, "prompts", prompts, "kernels", kernels));
            }
        }
        List<?> got = (List<?>) run(LOGITS, cases);
        assertEquals(expected.size(), got.size());
        String where = " in " + browserName();
        for (int i = 0; i < got.size(); i++) {
            JvmLogitsTest.Trace want = expected.get(i);
            Map<?, ?> r = (Map<?, ?>) got.get(i);
            assertEquals(Arrays.toString(want.prompt()), Arrays.toString(ints(r.get("ids"))), names.get(i) + ": prompt ids" + where);
            assertEquals(Arrays.toString(want.greedy()), Arrays.toString(ints(r.get("greedy"))), names.get(i) + ": greedy ids" + where);
            List<?> logits = (List<?>) r.get("logits");
            assertEquals(want.logits().size(), logits.size());
            for (int step = 0; step < logits.size(); step++) {
                String difference = firstDifference(want.logits().get(step), (String) logits.get(step));
                if (difference != null) {
                    fail(names.get(i) + ", step " + step + where + ": " + difference);
                }
            }
        }
    }

    @Test
    void chordWorkerRunsTheEngineOffThePage() throws Exception {
        String file = "stories260K/stories260K-Q8_0.gguf";
        JvmLogitsTest.Trace once;
        List<String> greedy = new ArrayList<>();
        List<Integer> lily;
        try (LoadedModel model = load(file)) {
            once = JvmLogitsTest.trace(model, JvmTokensTest.PROMPTS[0]);
            for (String prompt : JvmTokensTest.PROMPTS) {
                greedy.add(Arrays.toString(JvmTokensTest.run(model.newSession(256, new ScalarKernels()), prompt,
                        SamplingParams.greedy(), TOKENS)));
            }
            lily = boxed(model.tokenizer().encode("Lily wanted to", true, false));
        }
        {
            Map<?, ?> r = (Map<?, ?>) runInFreshPage(WORKER, Map.of("file", file, "forced", boxed(once.greedy())));
            String where = " (ChordWorker in " + browserName() + ")";
            long size = Files.size(JvmTokensTest.models().resolve(file));
            Map<?, ?> progress = (Map<?, ?>) r.get("progress");
            assertEquals(size, ((Number) progress.get("loaded")).longValue(), "bytes loaded" + where);
            assertEquals(size, ((Number) progress.get("total")).longValue(), "bytes announced" + where);
            List<?> got = (List<?>) r.get("greedy");
            for (int i = 0; i < greedy.size(); i++) {
                assertEquals(greedy.get(i), Arrays.toString(ints(got.get(i))), "greedy after " + JvmTokensTest.PROMPTS[i] + where);
            }
            List<?> logits = (List<?>) r.get("logits");
            assertEquals(once.logits().size(), logits.size());
            for (int step = 0; step < logits.size(); step++) {
                String difference = firstDifference(once.logits().get(step), (String) logits.get(step));
                if (difference != null) {
                    fail("step " + step + where + ": " + difference);
                }
            }
            String abort = (String) r.get("abort");
            assertTrue(abort.matches("stop now cancelled [3-9]"), abort + where);
            assertEquals(0, ((Number) r.get("detached")).intValue(), "the page's ArrayBuffer moved to the worker" + where);
            assertEquals(lily.toString(), Arrays.toString(ints(r.get("bytesIds"))), where);
            assertTrue(((String) r.get("error")).matches("Error: blob: .*not a GGUF file.*"), r.get("error") + where);
            assertTrue(((String) r.get("disposed")).contains("disposed"), r.get("disposed") + where);
            assertEquals(List.of(), r.get("pageFetched"), "what the page itself fetched of the engine and model" + where);
            // ...which the page's resource timing would show: here is its own fetch of the model's bytes
            assertEquals(List.of("/models/" + file), r.get("pageFetchedLater"), where);
        }
    }

    /** null when the base64 float32 bytes {@code got} hold exactly {@code want}'s bits, else the first difference. */
    private static String firstDifference(float[] want, String got) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(got)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() != want.length * 4) {
            return b.remaining() / 4 + " logits, expected " + want.length;
        }
        int count = 0;
        int first = -1;
        for (int i = 0; i < want.length; i++) {
            if (b.getInt(i * 4) != Float.floatToRawIntBits(want[i])) {
                count++;
                first = first < 0 ? i : first;
            }
        }
        return count == 0 ? null : count + " logits differ; first at " + first + ": " + b.getFloat(first * 4)
                + " vs JVM " + want[first];
    }

    private static LoadedModel load(String file) throws IOException {
        return LoadedModel.load(new ByteArraySource(file, Files.readAllBytes(JvmTokensTest.models().resolve(file))));
    }

    private static List<Integer> boxed(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }
}
