package io.wasmchord.wasm;

import io.wasmchord.generate.Generation;
import io.wasmchord.generate.Usage;
import io.wasmchord.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Int32Array;

/** A running generation as JavaScript pulls it: one text piece per call. */
public final class WasmGeneration {
    private final Generation generation;

    WasmGeneration(Generation generation) {
        this.generation = generation;
    }

    /** Computes until the next piece of text and returns it, or null once the generation has ended. */
    @JSExport
    public String next() {
        return generation.hasNext() ? generation.next() : null;
    }

    /** Stops before the next token; the session is free for another generation afterwards. */
    @JSExport
    public void cancel() {
        generation.cancel();
        while (generation.hasNext()) {
            generation.next();
        }
    }

    @JSExport
    public Int32Array promptTokens() {
        return Int32Array.copyFromJavaArray(generation.promptTokens());
    }

    @JSExport
    public Int32Array generatedTokens() {
        return Int32Array.copyFromJavaArray(generation.generatedTokens());
    }

    /** Token counts, timings and why it stopped, as JSON; the stop reason is null while it runs. */
    @JSExport
    public String usage() {
        Usage u = generation.usage();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("promptTokens", u.promptTokens());
        j.put("reusedPromptTokens", u.reusedTokens());
        j.put("generatedTokens", u.generatedTokens());
        j.put("prefillMs", ModelInfo.finite(u.prefillNanos() / 1e6));
        j.put("decodeMs", ModelInfo.finite(u.decodeNanos() / 1e6));
        j.put("prefillTokensPerSecond", ModelInfo.finite(u.prefillTokensPerSecond()));
        j.put("decodeTokensPerSecond", ModelInfo.finite(u.decodeTokensPerSecond()));
        j.put("stopReason", u.stopReason() == null ? null : camel(u.stopReason().name()));
        j.put("warnings", new ArrayList<Object>(generation.warnings()));
        return Json.write(j);
    }

    /** END_OF_TEXT -> "endOfText". */
    private static String camel(String constant) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (int i = 0; i < constant.length(); i++) {
            char c = constant.charAt(i);
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? c : Character.toLowerCase(c));
                upper = false;
            }
        }
        return sb.toString();
    }
}
