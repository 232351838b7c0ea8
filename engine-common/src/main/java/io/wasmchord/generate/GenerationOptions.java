package io.wasmchord.generate;

import io.wasmchord.sample.SamplingParams;
import java.util.List;

/**
 * What to generate: at most {@code maxTokens} tokens (negative: until the context is full), picked by
 * {@code sampling}, stopping early at any of {@code stopStrings} (not included in the text) or at
 * an end-of-generation token unless {@code ignoreEos}. A prompt longer than the context is an error,
 * unless {@code truncatePrompt}: then its oldest tokens are dropped (BOS kept) with a warning.
 */
public record GenerationOptions(int maxTokens, SamplingParams sampling, List<String> stopStrings, boolean ignoreEos,
                                boolean truncatePrompt) {

    public GenerationOptions {
        stopStrings = List.copyOf(stopStrings);
    }

    public static GenerationOptions defaults() {
        return new GenerationOptions(-1, SamplingParams.defaults(), List.of(), false, false);
    }

    public GenerationOptions withMaxTokens(int n) {
        return new GenerationOptions(n, sampling, stopStrings, ignoreEos, truncatePrompt);
    }

    public GenerationOptions withSampling(SamplingParams s) {
        return new GenerationOptions(maxTokens, s, stopStrings, ignoreEos, truncatePrompt);
    }

    public GenerationOptions withStopStrings(List<String> stops) {
        return new GenerationOptions(maxTokens, sampling, stops, ignoreEos, truncatePrompt);
    }

    public GenerationOptions withIgnoreEos(boolean ignore) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, ignore, truncatePrompt);
    }

    public GenerationOptions withTruncatePrompt(boolean truncate) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, ignoreEos, truncate);
    }
}
