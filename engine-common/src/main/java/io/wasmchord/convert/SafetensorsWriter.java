package io.wasmchord.convert;

import io.wasmchord.io.CountingOutputStream;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a safetensors file: header (padded with spaces to 8 bytes) then each tensor's bytes, streamed. */
public final class SafetensorsWriter {
    /** Produces exactly one tensor's bytes. */
    public interface Bytes {
        void writeTo(OutputStream out) throws IOException;
    }

    /** One tensor to write: PyTorch shape (outermost first). */
    public record Entry(String name, String dtype, long[] shape, Bytes data) {
        public long byteSize() {
            long n = Safetensors.elementSize(dtype);
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private SafetensorsWriter() {
    }

    public static void write(List<Entry> tensors, Map<String, String> metadata, OutputStream out) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Entry t : tensors) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", t.dtype());
            List<Object> shape = new ArrayList<>();
            for (long d : t.shape()) {
                shape.add(d);
            }
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + t.byteSize()));
            offset += t.byteSize();
            header.put(t.name(), info);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = new byte[8 + padded];
        LittleEndian.putLong(head, 0, padded);
        System.arraycopy(json, 0, head, 8, json.length);
        for (int i = 8 + json.length; i < head.length; i++) {
            head[i] = ' ';
        }
        out.write(head);
        for (Entry t : tensors) {
            CountingOutputStream counter = new CountingOutputStream(out);
            t.data().writeTo(counter);
            if (counter.count() != t.byteSize()) {
                throw new IOException("tensor " + t.name() + " wrote " + counter.count() + " bytes, expected " + t.byteSize());
            }
        }
        out.flush();
    }
}
