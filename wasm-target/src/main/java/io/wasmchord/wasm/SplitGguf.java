package io.wasmchord.wasm;

import io.wasmchord.gguf.GgufException;
import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.io.ByteSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Presents the shards of a split GGUF model ({@code name-00001-of-0000N.gguf}, as llama.cpp's gguf-split
 * writes them) as one GGUF file: a header made anew from the first shard's metadata and every shard's
 * tensor list, followed by the shards' tensor bytes in place, unmoved and uncopied.
 */
final class SplitGguf {
    private static final String SPLIT_NO = "split.no";
    private static final String SPLIT_COUNT = "split.count";
    private static final String SPLIT_TENSORS = "split.tensors.count";

    private SplitGguf() {
    }

    /** Thrown by the first tensor's bytes callback: the header is complete then, and nothing more is wanted. */
    private static final class HeaderComplete extends RuntimeException {
        HeaderComplete() {
            super(null, null, false, false);
        }
    }

    static ByteSource merge(List<ByteSource> shards) {
        List<GgufFile> files = new ArrayList<>();
        for (ByteSource s : shards) {
            files.add(GgufFile.open(s));
        }
        check(files);
        GgufFile first = files.get(0);
        GgufWriter writer = new GgufWriter(first.version());
        for (Map.Entry<String, GgufValue> e : first.metadata().entrySet()) {
            if (!e.getKey().startsWith("split.")) {
                writer.put(e.getKey(), e.getValue());
            }
        }
        List<ByteSource> data = new ArrayList<>();
        for (GgufFile f : files) {
            for (GgufTensor t : f.tensors()) {
                writer.addTensor(t.name(), t.type(), t.ne(), out -> {
                    throw new HeaderComplete();
                });
                data.add(f.data(t));
            }
        }
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        try {
            writer.write(header);
        } catch (HeaderComplete expected) {
            // the header and its padding are written
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] headerBytes = header.toByteArray();
        long alignment = first.alignment();
        List<ByteSource> parts = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        parts.add(new ByteArraySource(first.name(), headerBytes));
        starts.add(0L);
        long at = headerBytes.length;
        for (ByteSource d : data) {
            parts.add(d);
            starts.add(at);
            at = (at + d.size() + alignment - 1) / alignment * alignment;
        }
        return new ConcatenatedSource(first.name(), parts, starts, at);
    }

    private static void check(List<GgufFile> files) {
        int count = files.size();
        long tensors = 0;
        for (int i = 0; i < count; i++) {
            GgufFile f = files.get(i);
            if (!f.has(SPLIT_COUNT) || !f.has(SPLIT_NO)) {
                throw new GgufException(f.name(), 0, "not a shard of a split model (no " + SPLIT_COUNT + "/" + SPLIT_NO
                        + "), but " + count + " files were given");
            }
            if (f.getInt(SPLIT_COUNT, -1) != count) {
                throw new GgufException(f.name(), 0, "shard of a model split in " + f.getInt(SPLIT_COUNT, -1)
                        + " files, but " + count + " were given");
            }
            if (f.getInt(SPLIT_NO, -1) != i) {
                throw new GgufException(f.name(), 0, "is shard " + (f.getInt(SPLIT_NO, -1) + 1) + " of " + count
                        + ", given as shard " + (i + 1) + "; pass the shards in order");
            }
            tensors += f.tensors().size();
        }
        GgufFile first = files.get(0);
        long expected = first.getLong(SPLIT_TENSORS, tensors);
        if (expected != tensors) {
            throw new GgufException(first.name(), 0, "the shards hold " + tensors + " tensors, " + SPLIT_TENSORS
                    + " says " + expected);
        }
    }
}
