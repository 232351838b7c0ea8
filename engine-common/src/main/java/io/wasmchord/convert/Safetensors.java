package io.wasmchord.convert;

import io.wasmchord.io.ByteSource;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.json.Json;
import io.wasmchord.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: u64 header length, a JSON header naming each tensor's dtype, shape (outermost
 * first, as PyTorch) and byte range, then the data. Tensors are views of the source, not copies.
 */
public final class Safetensors {
    /** Headers larger than this are refused (the format's own reference limit is 100 MB). */
    private static final long MAX_HEADER = 100L << 20;

    /** One tensor: PyTorch shape (row-major, last dimension fastest) and its bytes. */
    public record Tensor(String name, String dtype, long[] shape, ByteSource data) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private Safetensors(Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static Safetensors read(ByteSource source) {
        String name = source.name();
        if (source.size() < 8) {
            throw new IllegalArgumentException(name + ": too small for a safetensors file");
        }
        byte[] len = new byte[8];
        source.read(0, len, 0, 8);
        long headerLength = LittleEndian.getLong(len, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > source.size() - 8) {
            throw new IllegalArgumentException(name + ": bad safetensors header length " + headerLength
                    + " (file has " + source.size() + " bytes)");
        }
        byte[] header = new byte[(int) headerLength];
        source.read(8, header, 0, header.length);
        Object parsed;
        try {
            parsed = Json.parse(new String(header, StandardCharsets.UTF_8).trim(), name + " header");
        } catch (JsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException(name + ": the header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = source.size() - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals("__metadata__")) {
                if (e.getValue() instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                }
                continue;
            }
            tensors.put(key, tensor(source, key, e.getValue(), dataStart, dataSize));
        }
        return new Safetensors(Collections.unmodifiableMap(tensors), metadata);
    }

    private static Tensor tensor(ByteSource source, String key, Object info, long dataStart, long dataSize) {
        String where = source.name() + ": tensor \"" + key + "\"";
        if (!(info instanceof Map<?, ?> m) || !(m.get("dtype") instanceof String dtype)
                || !(m.get("shape") instanceof List<?> shapeList) || !(m.get("data_offsets") instanceof List<?> offsets)
                || offsets.size() != 2) {
            throw new IllegalArgumentException(where + ": needs dtype, shape and data_offsets [begin, end]");
        }
        long[] shape = new long[shapeList.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0) {
                throw new IllegalArgumentException(where + ": bad shape " + shapeList);
            }
            shape[i] = d;
            n = Math.multiplyExact(n, d);
        }
        if (!(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                || begin < 0 || end < begin || end > dataSize) {
            throw new IllegalArgumentException(where + ": data_offsets " + offsets + " outside the " + dataSize
                    + " data bytes");
        }
        int elementSize = elementSize(dtype);
        if (elementSize > 0 && (end - begin) != n * elementSize) {
            throw new IllegalArgumentException(where + ": " + (end - begin) + " bytes for " + n + " " + dtype + " values");
        }
        return new Tensor(key, dtype, shape, source.slice(dataStart + begin, end - begin));
    }

    /** Bytes per element, or 0 for a dtype this project does not read. */
    public static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Names in the order of the header. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }
}
