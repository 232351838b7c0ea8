package io.wasmchord.sample;

/** One link of the sampler chain: adjusts logits or narrows the candidates. */
interface SamplerStage {
    void apply(Candidates c, TokenHistory history);
}
