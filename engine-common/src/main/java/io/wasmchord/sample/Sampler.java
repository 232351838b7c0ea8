package io.wasmchord.sample;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks tokens from logits through llama.cpp's chain: logit bias, penalties, top-k, typical, top-p,
 * min-p, temperature, then a draw from the softmax with our own seeded {@link Rng} (greedy: the
 * highest logit, lowest id on ties). Stages whose setting disables them are left out.
 * Not thread-safe: one per generation.
 */
public final class Sampler {
    private final SamplingParams params;
    private final List<SamplerStage> chain = new ArrayList<>();
    private final Candidates candidates;
    private final TokenHistory history;
    private final Rng rng;
    private final int vocab;

    public Sampler(SamplingParams params, int vocab) {
        this.params = params;
        this.vocab = vocab;
        this.candidates = new Candidates(vocab);
        this.history = new TokenHistory(params.penaltyWindow());
        this.rng = new Rng(params.seed());
        if (!params.logitBias().isEmpty()) {
            chain.add(new LogitBias(params.logitBias(), vocab));
        }
        if (params.penaltyWindow() > 0 && (params.repeatPenalty() != 1f || params.frequencyPenalty() != 0f
                || params.presencePenalty() != 0f)) {
            chain.add(new Penalties(params.repeatPenalty(), params.frequencyPenalty(), params.presencePenalty()));
        }
        if (!params.isGreedy()) {
            if (params.topK() > 0) {
                chain.add(new TopK(params.topK()));
            }
            if (params.typicalP() < 1f) {
                chain.add(new TypicalP(params.typicalP()));
            }
            if (params.topP() < 1f) {
                chain.add(new TopP(params.topP()));
            }
            if (params.minP() > 0f) {
                chain.add(new MinP(params.minP()));
            }
            chain.add(new Temperature(params.temperature()));
        }
    }

    public SamplingParams params() {
        return params;
    }

    /** Records a token (prompt or generated) for the repetition penalties. */
    public void accept(int token) {
        history.add(token);
    }

    /** Chooses the next token from {@code vocab} logits at {@code logits[offset..]}. */
    public int sample(float[] logits, int offset) {
        candidates.reset(logits, offset, vocab);
        for (SamplerStage stage : chain) {
            stage.apply(candidates, history);
        }
        if (params.isGreedy()) {
            int best = 0;
            for (int i = 1; i < candidates.size; i++) {
                if (candidates.logits[i] > candidates.logits[best]) {
                    best = i;
                }
            }
            return candidates.ids[best];
        }
        candidates.softmax();
        double u = rng.nextDouble();
        double cum = 0;
        for (int i = 0; i < candidates.size; i++) {
            cum += candidates.probs[i];
            if (u < cum) {
                return candidates.ids[i];
            }
        }
        return candidates.ids[candidates.size - 1];
    }
}
