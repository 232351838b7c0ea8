package io.wasmchord.generate;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteSource;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.model.LanguageModel;
import io.wasmchord.model.Models;
import io.wasmchord.tokenizer.Tokenizer;
import io.wasmchord.tokenizer.Tokenizers;

/**
 * A model ready to talk: the GGUF file (weights read in place from its byte source), the graph and
 * the tokenizer. Sessions share it; {@link #close()} releases the source.
 */
public final class LoadedModel implements AutoCloseable {
    private final GgufFile gguf;
    private final LanguageModel model;
    private final Tokenizer tokenizer;

    private LoadedModel(GgufFile gguf) {
        this.gguf = gguf;
        this.model = Models.load(gguf);
        this.tokenizer = Tokenizers.fromGguf(gguf);
    }

    /** Reads the header, metadata and vocabulary of the GGUF in {@code source}; weights stay where they are. */
    public static LoadedModel load(ByteSource source) {
        GgufFile gguf = GgufFile.open(source);
        try {
            return new LoadedModel(gguf);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    public GgufFile gguf() {
        return gguf;
    }

    public LanguageModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The context the model was trained with ({@code <arch>.context_length}). */
    public int trainedContext() {
        return model.config().contextLength();
    }

    /** A session with room for {@code context} positions (0 or less: the trained context). */
    public Session newSession(int context, Kernels kernels) {
        return new Session(model, tokenizer, context > 0 ? context : trainedContext(), kernels);
    }

    @Override
    public void close() {
        gguf.close();
    }
}
