package io.wasmchord.gguf;

import io.wasmchord.io.CountingOutputStream;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file the way llama.cpp lays one out: header, metadata, tensor infos, then each
 * tensor's bytes padded to the alignment. Tensor bytes are streamed from callbacks, so a writer never
 * holds a whole model.
 */
public final class GgufWriter {

    /** Produces exactly one tensor's bytes. */
    public interface TensorBytes {
        void writeTo(OutputStream out) throws IOException;
    }

    private record Entry(String name, GgmlType type, long[] ne, long byteSize, TensorBytes data) {
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Entry> tensors = new ArrayList<>();
    private final int version;

    public GgufWriter() {
        this(3);
    }

    public GgufWriter(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("GGUF version " + version + " cannot be written; use 2 or 3");
        }
        this.version = version;
    }

    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putAll(Map<String, GgufValue> values) {
        metadata.putAll(values);
        return this;
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] ne, TensorBytes data) {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        tensors.add(new Entry(name, type, ne.clone(), type.bytesFor(n), data));
        return this;
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] ne, byte[] bytes) {
        return addTensor(name, type, ne, out -> out.write(bytes));
    }

    private int alignment() {
        GgufValue v = metadata.get(GgufFile.KEY_ALIGNMENT);
        return v == null ? GgufReader.DEFAULT_ALIGNMENT : v.asInt();
    }

    public void write(OutputStream sink) throws IOException {
        CountingOutput out = new CountingOutput(sink);
        int alignment = alignment();
        out.u32(GgufReader.MAGIC);
        out.u32(version);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id);
            writeValue(out, e.getValue());
        }
        long offset = 0;
        for (Entry t : tensors) {
            out.string(t.name);
            out.u32(t.ne.length);
            for (long d : t.ne) {
                out.u64(d);
            }
            out.u32(t.type.id);
            out.u64(offset);
            offset = GgufReader.alignUp(offset + t.byteSize, alignment);
        }
        if (!tensors.isEmpty()) {
            out.pad(alignment); // llama.cpp leaves a file without tensors unpadded
        }
        for (Entry t : tensors) {
            long start = out.count();
            t.data.writeTo(out);
            long written = out.count() - start;
            if (written != t.byteSize) {
                throw new IOException("tensor \"" + t.name + "\" wrote " + written + " bytes, expected " + t.byteSize);
            }
            out.pad(alignment);
        }
        out.flush();
    }

    private static void writeValue(CountingOutput out, GgufValue v) throws IOException {
        Object raw = v.raw();
        switch (v.type()) {
            case UINT8, INT8 -> out.write((Byte) raw);
            case UINT16, INT16 -> out.u16((Short) raw);
            case UINT32, INT32 -> out.u32((Integer) raw);
            case UINT64, INT64 -> out.u64((Long) raw);
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) raw));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) raw));
            case BOOL -> out.write((Boolean) raw ? 1 : 0);
            case STRING -> out.string((String) raw);
            case ARRAY -> writeArray(out, v);
        }
    }

    private static void writeArray(CountingOutput out, GgufValue v) throws IOException {
        out.u32(v.elementType().id);
        out.u64(v.length());
        Object raw = v.raw();
        switch (v.elementType()) {
            case UINT8, INT8 -> out.write((byte[]) raw);
            case UINT16, INT16 -> {
                for (short s : (short[]) raw) {
                    out.u16(s);
                }
            }
            case UINT32, INT32 -> {
                for (int i : (int[]) raw) {
                    out.u32(i);
                }
            }
            case UINT64, INT64 -> {
                for (long l : (long[]) raw) {
                    out.u64(l);
                }
            }
            case FLOAT32 -> {
                for (float f : (float[]) raw) {
                    out.u32(Float.floatToRawIntBits(f));
                }
            }
            case FLOAT64 -> {
                for (double d : (double[]) raw) {
                    out.u64(Double.doubleToRawLongBits(d));
                }
            }
            case BOOL -> {
                for (boolean b : (boolean[]) raw) {
                    out.write(b ? 1 : 0);
                }
            }
            case STRING -> {
                for (String s : (String[]) raw) {
                    out.string(s);
                }
            }
            case ARRAY -> {
                for (GgufValue inner : (GgufValue[]) raw) {
                    writeArray(out, inner);
                }
            }
        }
    }

    /** The counting stream plus GGUF's little-endian scalars, strings and alignment padding. */
    private static final class CountingOutput extends CountingOutputStream {
        private final byte[] scratch = new byte[8];

        CountingOutput(OutputStream out) {
            super(out);
        }

        void u16(int v) throws IOException {
            LittleEndian.putShort(scratch, 0, v);
            write(scratch, 0, 2);
        }

        void u32(int v) throws IOException {
            LittleEndian.putInt(scratch, 0, v);
            write(scratch, 0, 4);
        }

        void u64(long v) throws IOException {
            LittleEndian.putLong(scratch, 0, v);
            write(scratch, 0, 8);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            write(b, 0, b.length);
        }

        void pad(int alignment) throws IOException {
            while (count() % alignment != 0) {
                write(0);
            }
        }
    }
}
