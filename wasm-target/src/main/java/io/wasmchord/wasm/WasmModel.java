package io.wasmchord.wasm;

import io.wasmchord.generate.GenerationOptions;
import io.wasmchord.generate.LoadedModel;
import io.wasmchord.generate.Session;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.sample.SamplingParams;
import io.wasmchord.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Float32Array;
import org.teavm.jso.typedarrays.Int32Array;

/** A loaded model as JavaScript sees it; the ES module wraps it in the public {@code Chord} class. */
public final class WasmModel {
    private final List<LinearMemorySource> files;
    private final LoadedModel model;
    private final int contextLength;
    private final String infoJson;
    private Session session;
    private WasmSimdKernels simdKernels; // null: ScalarKernels
    private boolean disposed;

    WasmModel(List<LinearMemorySource> files, int contextLength) {
        this.files = files;
        this.model = LoadedModel.load(files.size() == 1 ? files.get(0) : SplitGguf.merge(new ArrayList<>(files)));
        this.contextLength = contextLength;
        long size = 0;
        for (LinearMemorySource f : files) {
            size += f.size();
        }
        this.infoJson = ModelInfo.json(model.gguf(), size, files.size());
    }

    /**
     * Picks the matrix kernels: "simd" (WebAssembly SIMD, bit-identical to the scalar ones) or
     * "scalar"; only before the first generation.
     */
    @JSExport
    public void useKernels(String name) {
        checkOpen();
        if (session != null) {
            throw new IllegalStateException("the kernels are chosen before the model's first use");
        }
        if (!"simd".equals(name) && !"scalar".equals(name)) {
            throw new IllegalArgumentException("kernels must be \"simd\" or \"scalar\", got \"" + name + "\"");
        }
        simdKernels = "simd".equals(name) ? new WasmSimdKernels() : null;
    }

    /** Metadata and tensor table as JSON (see ModelInfo). */
    @JSExport
    public String info() {
        return infoJson;
    }

    @JSExport
    public Int32Array tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        return Int32Array.copyFromJavaArray(tokenizer().encode(text, addSpecial, parseSpecial));
    }

    @JSExport
    public String detokenize(Int32Array ids, boolean removeSpecial, boolean renderSpecial) {
        return tokenizer().decode(checkIds(ids.copyToJavaArray()), removeSpecial, renderSpecial);
    }

    /** The context the session has (or will have) room for. */
    @JSExport
    public int contextLength() {
        return contextLength > 0 ? contextLength : model.trainedContext();
    }

    /**
     * Starts a generation after {@code prompt} (text, BOS added as the vocabulary asks) or, when
     * {@code promptIds} is not null, after those token ids. Sampling follows llama.cpp: temperature 0 or
     * less is greedy; topK 0, topP 1, minP 0, repeatPenalty 1 switch those stages off. Stop strings
     * come joined by U+0000. Nothing is computed until the first {@link WasmGeneration#next()}.
     */
    @JSExport
    public WasmGeneration generate(String prompt, Int32Array promptIds, int maxTokens, double temperature, int topK,
                                   double topP, double minP, double typicalP, double repeatPenalty,
                                   double frequencyPenalty, double presencePenalty, int penaltyWindow, double seed,
                                   String stops, boolean ignoreEos) {
        SamplingParams sampling = SamplingParams.defaults()
                .withTemperature((float) temperature)
                .withTopK(topK)
                .withTopP((float) topP)
                .withMinP((float) minP)
                .withTypicalP((float) typicalP)
                .withPenalties((float) repeatPenalty, (float) frequencyPenalty, (float) presencePenalty, penaltyWindow)
                .withSeed((long) seed);
        List<String> stopStrings = stops == null || stops.isEmpty() ? List.of() : Arrays.asList(stops.split("\u0000"));
        GenerationOptions options = GenerationOptions.defaults()
                .withMaxTokens(maxTokens)
                .withSampling(sampling)
                .withStopStrings(stopStrings)
                .withIgnoreEos(ignoreEos);
        Session s = session();
        return new WasmGeneration(promptIds != null
                ? s.generate(checkIds(promptIds.copyToJavaArray()), options)
                : s.generate(prompt, options));
    }

    /**
     * The next-token logits after {@code ids}, computing only what the session's cache does not already
     * hold; the cache then holds {@code ids} (see Session#evaluate).
     */
    @JSExport
    public Float32Array evaluate(Int32Array ids) {
        Session s = session();
        float[] logits = new float[model.model().config().vocabSize()];
        s.evaluate(checkIds(ids.copyToJavaArray()), logits);
        return Float32Array.copyFromJavaArray(logits);
    }

    /** Forgets the cached conversation: the next prompt is computed from scratch. */
    @JSExport
    public void reset() {
        if (session != null) {
            session.reset();
        }
    }

    @JSExport
    public void dispose() {
        if (!disposed) {
            disposed = true;
            session = null;
            if (simdKernels != null) {
                simdKernels.release();
            }
            model.close();
            for (LinearMemorySource f : files) {
                f.close();
            }
        }
    }

    private Session session() {
        checkOpen();
        if (session == null) {
            session = model.newSession(contextLength, simdKernels != null ? simdKernels : new ScalarKernels());
        }
        return session;
    }

    private int[] checkIds(int[] tokens) {
        int vocab = tokenizer().vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        return tokens;
    }

    private Tokenizer tokenizer() {
        checkOpen();
        return model.tokenizer();
    }

    private void checkOpen() {
        if (disposed) {
            throw new IllegalStateException(model.gguf().name() + ": the model was disposed");
        }
    }
}
