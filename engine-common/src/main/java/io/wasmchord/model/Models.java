package io.wasmchord.model;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteSource;

/** Loads a model from a GGUF file, choosing the graph from {@code general.architecture}. */
public final class Models {
    private Models() {
    }

    public static LanguageModel load(GgufFile gguf) {
        ModelConfig config = ModelConfig.read(gguf);
        return switch (config.architecture()) {
            case LLAMA, QWEN2, QWEN3 -> new LlamaModel(gguf, config);
        };
    }

    public static LanguageModel load(ByteSource source) {
        return load(GgufFile.open(source));
    }
}
