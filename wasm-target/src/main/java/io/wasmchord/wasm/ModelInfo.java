package io.wasmchord.wasm;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufValueType;
import java.util.Map;

/** A GGUF file's header as JSON: metadata (long arrays summarised) and the tensor table. */
final class ModelInfo {
    /** Arrays longer than this (vocabularies, merges) are described rather than listed. */
    static final int MAX_LISTED = 64;

    private ModelInfo() {
    }

    static String json(GgufFile file, long fileSize, int shards) {
        Json j = new Json().beginObject();
        j.key("name").value(file.name());
        j.key("ggufVersion").value(file.version());
        j.key("fileSize").value(fileSize);
        j.key("shards").value(shards);
        j.key("alignment").value(file.alignment());
        j.key("metadata").beginObject();
        for (Map.Entry<String, GgufValue> e : file.metadata().entrySet()) {
            j.key(e.getKey());
            value(j, e.getValue());
        }
        j.endObject();
        j.key("tensors").beginArray();
        for (GgufTensor t : file.tensors()) {
            j.beginObject();
            j.key("name").value(t.name());
            j.key("type").value(t.type().displayName);
            j.key("shape").beginArray();
            for (long d : t.ne()) {
                j.value(d);
            }
            j.endArray();
            j.key("offset").value(t.dataOffset());
            j.key("bytes").value(t.byteSize());
            j.endObject();
        }
        j.endArray();
        return j.endObject().toString();
    }

    private static void value(Json j, GgufValue v) {
        if (!v.isArray()) {
            scalar(j, v.type(), v.raw());
            return;
        }
        int n = v.length();
        if (n > MAX_LISTED) {
            j.beginObject().key("type").value("array").key("elementType").value(v.elementType().typeName())
                    .key("length").value(n).endObject();
            return;
        }
        j.beginArray();
        Object raw = v.raw();
        for (int i = 0; i < n; i++) {
            switch (v.elementType()) {
                case STRING -> j.value(((String[]) raw)[i]);
                case FLOAT32 -> j.value((double) ((float[]) raw)[i]);
                case FLOAT64 -> j.value(((double[]) raw)[i]);
                case BOOL -> j.value(((boolean[]) raw)[i]);
                case ARRAY -> value(j, ((GgufValue[]) raw)[i]);
                default -> j.value(v.longAt(i));
            }
        }
        j.endArray();
    }

    private static void scalar(Json j, GgufValueType type, Object raw) {
        switch (type) {
            case STRING -> j.value((String) raw);
            case BOOL -> j.value((Boolean) raw);
            case FLOAT32 -> j.value((double) (Float) raw);
            case FLOAT64 -> j.value((Double) raw);
            case UINT8 -> j.value((Byte) raw & 0xFFL);
            case UINT16 -> j.value((Short) raw & 0xFFFFL);
            case UINT32 -> j.value((Integer) raw & 0xFFFFFFFFL);
            case INT8 -> j.value((long) (Byte) raw);
            case INT16 -> j.value((long) (Short) raw);
            case INT32 -> j.value((long) (Integer) raw);
            default -> j.value((Long) raw);
        }
    }
}
