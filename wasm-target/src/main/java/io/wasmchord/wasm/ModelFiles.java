package io.wasmchord.wasm;

import java.util.ArrayList;
import java.util.List;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The files of one model while JavaScript fills them: one for a single GGUF, several for the shards of
 * a split one. Each file's bytes go into linear memory chunk by chunk; {@link #open()} then makes the model.
 */
public final class ModelFiles {
    private final List<LinearMemorySource> files = new ArrayList<>();
    private boolean opened;

    /** Reserves memory for a file of {@code size} bytes (a JS number) and returns its index. */
    @JSExport
    public int addFile(String name, double size) {
        if (opened) {
            throw new IllegalStateException("the model is already open");
        }
        if (size < 0 || size != Math.floor(size)) {
            throw new IllegalArgumentException(name + ": bad size " + size);
        }
        long total = (long) size;
        for (LinearMemorySource f : files) {
            total += f.size();
        }
        if (total >= (1L << 31)) {
            dispose();
            throw new IllegalArgumentException(name + ": the model's files hold " + total + " bytes, and WebAssembly"
                    + " memory holds at most 2 GiB; use a smaller (more quantized) model");
        }
        try {
            files.add(new LinearMemorySource(name, (long) size));
        } catch (RuntimeException e) {
            dispose();
            throw e;
        }
        return files.size() - 1;
    }

    @JSExport
    @JSProperty
    public int getChunkSize() {
        return LinearMemorySource.CHUNK_SIZE;
    }

    @JSExport
    public int chunkCount(int file) {
        return files.get(file).chunkCount();
    }

    /** Where JavaScript writes chunk {@code chunk} of file {@code file}; valid until memory next grows. */
    @JSExport
    public Int8Array chunk(int file, int chunk) {
        return files.get(file).chunkView(chunk);
    }

    /** Parses the file(s) and loads the model; the memory then belongs to the model. */
    @JSExport
    public WasmModel open(int contextLength) {
        if (files.isEmpty()) {
            throw new IllegalStateException("no model file was given");
        }
        opened = true;
        try {
            return new WasmModel(new ArrayList<>(files), contextLength);
        } catch (RuntimeException e) {
            dispose();
            throw e;
        }
    }

    /** Frees the memory of files not yet opened as a model (a cancelled or failed load). */
    @JSExport
    public void dispose() {
        for (LinearMemorySource f : files) {
            f.close();
        }
        files.clear();
    }
}
