package io.wasmchord.gguf;

import io.wasmchord.io.ByteSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An opened GGUF file: its metadata, its tensor descriptions, and lazy views of tensor data over the
 * byte source. Opening reads and checks the header only.
 */
public final class GgufFile implements AutoCloseable {
    public static final String KEY_ALIGNMENT = "general.alignment";

    private final ByteSource source;
    private final int version;
    private final int alignment;
    private final long dataStart;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensor> tensors;
    private final Map<String, GgufTensor> tensorsByName = new LinkedHashMap<>();

    GgufFile(ByteSource source, int version, int alignment, long dataStart, Map<String, GgufValue> metadata,
             List<GgufTensor> tensors) {
        this.source = source;
        this.version = version;
        this.alignment = alignment;
        this.dataStart = dataStart;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableList(tensors);
        for (GgufTensor t : tensors) {
            tensorsByName.put(t.name(), t);
        }
    }

    /** Parses and validates the header of {@code source}; throws {@link GgufException} on bad input. */
    public static GgufFile open(ByteSource source) {
        return GgufReader.read(source);
    }

    public ByteSource source() {
        return source;
    }

    public String name() {
        return source.name();
    }

    public int version() {
        return version;
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute offset where the tensor data section begins. */
    public long dataStart() {
        return dataStart;
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public List<GgufTensor> tensors() {
        return tensors;
    }

    /** The tensor named {@code name}, or null. */
    public GgufTensor tensor(String name) {
        return tensorsByName.get(name);
    }

    /** A zero-copy view of a tensor's bytes. */
    public ByteSource data(GgufTensor tensor) {
        return source.slice(tensor.dataOffset(), tensor.byteSize());
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    /** The value under {@code key}, or null. */
    public GgufValue get(String key) {
        return metadata.get(key);
    }

    /** The value under {@code key}; a missing key is an error naming the key and the file. */
    public GgufValue require(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new GgufException(name(), 0, "missing metadata key \"" + key + "\"");
        }
        return v;
    }

    public String getString(String key, String fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : v.asString();
    }

    public long getLong(String key, long fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : v.asLong();
    }

    public int getInt(String key, int fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : v.asInt();
    }

    public float getFloat(String key, float fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : v.asFloat();
    }

    public boolean getBool(String key, boolean fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : v.asBool();
    }

    @Override
    public void close() {
        source.close();
    }
}
