package io.wasmchord.tokenizer;

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
    static Map<String, Object> object(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Object o) {
        return (List<Object>) o;
    }

    static int[] ints(Object o) {
        List<Object> list = array(o);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).intValue();
        }
        return out;
    }
}
