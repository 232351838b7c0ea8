package io.wasmchord.tests.model;

import java.util.List;
import java.util.Map;

/** Typed access to reference JSON parsed by the engine's own reader. */
final class Json {
    private Json() {
    }

    static Object parse(String text) {
        return io.wasmchord.json.Json.parse(text);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    static int[] ints(Object o) {
        List<Object> list = list(o);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).intValue();
        }
        return out;
    }
}
