package io.wasmchord.wasm;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufValueType;
import io.wasmchord.gguf.GgufWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;
import org.teavm.jso.typedarrays.Int8Array;

/** A parsed GGUF header as JavaScript sees it. */
public final class GgufInfo {
    private final GgufFile file;

    GgufInfo(GgufFile file) {
        this.file = file;
    }

    @JSExport
    @JSProperty
    public int getVersion() {
        return file.version();
    }

    @JSExport
    @JSProperty
    public int getTensorCount() {
        return file.tensors().size();
    }

    @JSExport
    @JSProperty
    public int getMetadataCount() {
        return file.metadata().size();
    }

    /** The metadata value under {@code key} as text (arrays abbreviated), or null when absent. */
    @JSExport
    public String metadata(String key) {
        GgufValue v = file.get(key);
        if (v == null) {
            return null;
        }
        return v.type() == GgufValueType.STRING ? v.asString() : v.describe(8);
    }

    /** "name type shape" of tensor {@code i}. */
    @JSExport
    public String tensor(int i) {
        GgufTensor t = file.tensors().get(i);
        return t.name() + " " + t.type().displayName + " " + t.shapeString();
    }

    /**
     * Writes the whole file again with the GGUF writer and returns the bytes; reading them back must give
     * the same header (the writer lays files out as llama.cpp does).
     */
    @JSExport
    public Int8Array rewrite() {
        GgufWriter writer = new GgufWriter(file.version());
        for (Map.Entry<String, GgufValue> e : file.metadata().entrySet()) {
            writer.put(e.getKey(), e.getValue());
        }
        for (GgufTensor t : file.tensors()) {
            byte[] data = new byte[Math.toIntExact(t.byteSize())];
            file.data(t).read(0, data, 0, data.length);
            writer.addTensor(t.name(), t.type(), t.ne(), data);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Int8Array.copyFromJavaArray(out.toByteArray());
    }
}
