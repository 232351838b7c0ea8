package io.wasmchord.json;

import java.util.List;
import java.util.Map;

/**
 * Typed access to a parsed JSON object, with errors that name the file and the member: for reading
 * configuration files where a missing or mistyped field must be reported, not crash.
 */
public final class JsonObject {
    private final Map<String, Object> map;
    private final String where;

    public JsonObject(Map<String, Object> map, String where) {
        this.map = map;
        this.where = where;
    }

    @SuppressWarnings("unchecked")
    public static JsonObject parse(String text, String source) {
        Object v = Json.parse(text, source);
        if (!(v instanceof Map)) {
            throw new JsonException(source + ": expected a JSON object at the top");
        }
        return new JsonObject((Map<String, Object>) v, source);
    }

    public Map<String, Object> map() {
        return map;
    }

    public String where() {
        return where;
    }

    public boolean has(String key) {
        return map.containsKey(key) && map.get(key) != null;
    }

    public Object get(String key) {
        return map.get(key);
    }

    private JsonException wrong(String key, String want) {
        return new JsonException(where + ": \"" + key + "\" should be " + want + ", is " + map.get(key));
    }

    public String string(String key, String fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw wrong(key, "a string");
        }
        return s;
    }

    public String requireString(String key) {
        String s = string(key, null);
        if (s == null) {
            throw new JsonException(where + ": missing \"" + key + "\"");
        }
        return s;
    }

    public long integer(String key, long fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.floor(d) && !Double.isInfinite(d)) {
            return d.longValue();
        }
        throw wrong(key, "a whole number");
    }

    public int requireInt(String key) {
        if (!has(key)) {
            throw new JsonException(where + ": missing \"" + key + "\"");
        }
        long v = integer(key, 0);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw wrong(key, "a 32-bit number");
        }
        return (int) v;
    }

    public double number(String key, double fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n)) {
            throw wrong(key, "a number");
        }
        return n.doubleValue();
    }

    public boolean bool(String key, boolean fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw wrong(key, "true or false");
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    public JsonObject object(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw wrong(key, "an object");
        }
        return new JsonObject((Map<String, Object>) v, where + " " + key);
    }

    @SuppressWarnings("unchecked")
    public List<Object> array(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List)) {
            throw wrong(key, "an array");
        }
        return (List<Object>) v;
    }
}
