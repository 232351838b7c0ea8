package io.wasmchord.wasm;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A GGUF file's header as JSON: metadata (long arrays summarised) and the tensor table. */
final class ModelInfo {
    /** Arrays longer than this (vocabularies, merges) are described rather than listed. */
    static final int MAX_LISTED = 64;

    private ModelInfo() {
    }

    static String json(GgufFile file, long fileSize, int shards) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", file.name());
        info.put("ggufVersion", file.version());
        info.put("fileSize", fileSize);
        info.put("shards", shards);
        info.put("alignment", file.alignment());
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, GgufValue> e : file.metadata().entrySet()) {
            metadata.put(e.getKey(), value(e.getValue()));
        }
        info.put("metadata", metadata);
        List<Object> tensors = new ArrayList<>();
        for (GgufTensor t : file.tensors()) {
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("name", t.name());
            tensor.put("type", t.type().displayName);
            List<Object> shape = new ArrayList<>();
            for (long d : t.ne()) {
                shape.add(d);
            }
            tensor.put("shape", shape);
            tensor.put("offset", t.dataOffset());
            tensor.put("bytes", t.byteSize());
            tensors.add(tensor);
        }
        info.put("tensors", tensors);
        return Json.write(info);
    }

    private static Object value(GgufValue v) {
        if (!v.isArray()) {
            return switch (v.type()) {
                case STRING -> v.asString();
                case BOOL -> v.asBool();
                case FLOAT32, FLOAT64 -> finite(v.asDouble());
                default -> v.asLong();
            };
        }
        int n = v.length();
        if (n > MAX_LISTED) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("type", "array");
            summary.put("elementType", v.elementType().typeName());
            summary.put("length", n);
            return summary;
        }
        List<Object> list = new ArrayList<>(n);
        Object raw = v.raw();
        for (int i = 0; i < n; i++) {
            list.add(switch (v.elementType()) {
                case STRING -> ((String[]) raw)[i];
                case FLOAT32 -> finite(((float[]) raw)[i]);
                case FLOAT64 -> finite(((double[]) raw)[i]);
                case BOOL -> ((boolean[]) raw)[i];
                case ARRAY -> value(((GgufValue[]) raw)[i]);
                default -> v.longAt(i);
            });
        }
        return list;
    }

    /** Numbers JSON cannot hold (NaN, infinities) become null. */
    static Double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
