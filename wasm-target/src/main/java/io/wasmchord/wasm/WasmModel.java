package io.wasmchord.wasm;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteSource;
import io.wasmchord.tokenizer.Tokenizer;
import io.wasmchord.tokenizer.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.Int32Array;

/** A loaded model as JavaScript sees it; the ES module wraps it in the public {@code Chord} class. */
public final class WasmModel {
    private final List<LinearMemorySource> files;
    private final GgufFile gguf;
    private final int contextLength;
    private final String infoJson;
    private Tokenizer tokenizer;
    private boolean disposed;

    WasmModel(List<LinearMemorySource> files, int contextLength) {
        this.files = files;
        List<ByteSource> sources = new ArrayList<>(files);
        this.gguf = GgufFile.open(files.size() == 1 ? files.get(0) : SplitGguf.merge(sources));
        this.contextLength = contextLength;
        long size = 0;
        for (LinearMemorySource f : files) {
            size += f.size();
        }
        this.infoJson = ModelInfo.json(gguf, size, files.size());
    }

    /** Metadata and tensor table as JSON (see ModelInfo). */
    @JSExport
    public String info() {
        return infoJson;
    }

    @JSExport
    public Int32Array tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        return Int32Array.copyFromJavaArray(tokenizer().encode(text, addSpecial, parseSpecial));
    }

    @JSExport
    public String detokenize(Int32Array ids, boolean removeSpecial, boolean renderSpecial) {
        int[] tokens = ids.copyToJavaArray();
        int vocab = tokenizer().vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        return tokenizer().decode(tokens, removeSpecial, renderSpecial);
    }

    @JSExport
    public void dispose() {
        if (!disposed) {
            disposed = true;
            tokenizer = null;
            for (LinearMemorySource f : files) {
                f.close();
            }
        }
    }

    private Tokenizer tokenizer() {
        checkOpen();
        if (tokenizer == null) {
            tokenizer = Tokenizers.fromGguf(gguf);
        }
        return tokenizer;
    }

    private void checkOpen() {
        if (disposed) {
            throw new IllegalStateException(gguf.name() + ": the model was disposed");
        }
    }
}
