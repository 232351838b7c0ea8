package io.wasmchord.wasm;

import io.wasmchord.tokenizer.StreamingDecoder;
import io.wasmchord.tokenizer.Tokenizer;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSProperty;
import org.teavm.jso.typedarrays.Int32Array;

/** A GGUF vocabulary's tokenizer as JavaScript sees it. */
public final class WasmTokenizer {
    private final Tokenizer tokenizer;

    WasmTokenizer(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Token ids of {@code text}, as llama.cpp makes them (see Tokenizer.encode). */
    @JSExport
    public Int32Array encode(String text, boolean addSpecial, boolean parseSpecial) {
        return Int32Array.copyFromJavaArray(tokenizer.encode(text, addSpecial, parseSpecial));
    }

    /** The text of {@code ids}, as llama.cpp's llama_detokenize makes it. */
    @JSExport
    public String decode(Int32Array ids, boolean removeSpecial, boolean renderSpecial) {
        return tokenizer.decode(ids.copyToJavaArray(), removeSpecial, renderSpecial);
    }

    /** Token {@code id} as text, special tokens rendered. */
    @JSExport
    public String piece(int id) {
        return tokenizer.piece(id);
    }

    @JSExport
    @JSProperty
    public int getVocabSize() {
        return tokenizer.vocabSize();
    }

    @JSExport
    @JSProperty
    public int getBos() {
        return tokenizer.bos();
    }

    @JSExport
    @JSProperty
    public int getEos() {
        return tokenizer.eos();
    }

    @JSExport
    public boolean isEndOfGeneration(int id) {
        return tokenizer.isEndOfGeneration(id);
    }

    /** A decoder for generated tokens that yields only whole characters. */
    @JSExport
    public Stream streamingDecoder(boolean renderSpecial) {
        return new Stream(tokenizer.streamingDecoder(renderSpecial));
    }

    /** Streaming decoder handle: {@code accept(id)} gives the text a token completes, {@code finish()} the rest. */
    public static final class Stream {
        private final StreamingDecoder decoder;

        Stream(StreamingDecoder decoder) {
            this.decoder = decoder;
        }

        @JSExport
        public String accept(int id) {
            return decoder.accept(id);
        }

        @JSExport
        public String finish() {
            return decoder.finish();
        }
    }
}
