package io.wasmchord.sample;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to pick the next token. Defaults are llama.cpp's (temperature 0.8, top-k 40, top-p 0.95,
 * min-p 0.05, no penalties). A temperature of 0 or below is greedy decoding. Immutable; the
 * {@code with...} methods return changed copies.
 *
 * @param penaltyWindow how many recent tokens the repetition penalties look at (0: none)
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float typicalP,
                             float repeatPenalty, float frequencyPenalty, float presencePenalty,
                             int penaltyWindow, Map<Integer, Float> logitBias, long seed) {

    public SamplingParams {
        logitBias = Collections.unmodifiableMap(new LinkedHashMap<>(logitBias));
    }

    public static SamplingParams defaults() {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 1f, 0f, 0f, 64, Map.of(), 0x5EED);
    }

    public static SamplingParams greedy() {
        return defaults().withTemperature(0f);
    }

    public boolean isGreedy() {
        return temperature <= 0f;
    }

    public SamplingParams withTemperature(float t) {
        return new SamplingParams(t, topK, topP, minP, typicalP, repeatPenalty, frequencyPenalty, presencePenalty,
                penaltyWindow, logitBias, seed);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(temperature, k, topP, minP, typicalP, repeatPenalty, frequencyPenalty,
                presencePenalty, penaltyWindow, logitBias, seed);
    }

    public SamplingParams withTopP(float p) {
        return new SamplingParams(temperature, topK, p, minP, typicalP, repeatPenalty, frequencyPenalty,
                presencePenalty, penaltyWindow, logitBias, seed);
    }

    public SamplingParams withMinP(float p) {
        return new SamplingParams(temperature, topK, topP, p, typicalP, repeatPenalty, frequencyPenalty,
                presencePenalty, penaltyWindow, logitBias, seed);
    }

    public SamplingParams withTypicalP(float p) {
        return new SamplingParams(temperature, topK, topP, minP, p, repeatPenalty, frequencyPenalty,
                presencePenalty, penaltyWindow, logitBias, seed);
    }

    public SamplingParams withPenalties(float repeat, float frequency, float presence, int window) {
        return new SamplingParams(temperature, topK, topP, minP, typicalP, repeat, frequency, presence, window,
                logitBias, seed);
    }

    public SamplingParams withLogitBias(Map<Integer, Float> bias) {
        return new SamplingParams(temperature, topK, topP, minP, typicalP, repeatPenalty, frequencyPenalty,
                presencePenalty, penaltyWindow, bias, seed);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topK, topP, minP, typicalP, repeatPenalty, frequencyPenalty,
                presencePenalty, penaltyWindow, logitBias, s);
    }
}
