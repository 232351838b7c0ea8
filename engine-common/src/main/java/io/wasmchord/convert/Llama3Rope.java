package io.wasmchord.convert;

import io.wasmchord.json.JsonObject;

/**
 * Llama 3.1's RoPE frequency scaling ("rope_type": "llama3"), which llama.cpp stores as a
 * rope_freqs.weight tensor of per-frequency divisors, computed as convert_hf_to_gguf.py does:
 * wavelengths shorter than original_context / high_freq_factor keep their frequency, longer than
 * original_context / low_freq_factor are divided by factor, and those between are blended.
 */
final class Llama3Rope {
    private Llama3Rope() {
    }

    /** The factors, or null when the model has no llama3 rope scaling. */
    static float[] factors(JsonObject config, HfLlamaConfig c) {
        JsonObject scaling = config.object("rope_scaling");
        if (scaling == null || !c.arch().equals("llama")
                || !"llama3".equalsIgnoreCase(scaling.string("rope_type", scaling.string("type", "")))) {
            return null;
        }
        double factor = scaling.number("factor", 8.0);
        double lowFreqFactor = scaling.number("low_freq_factor", 1.0);
        double highFreqFactor = scaling.number("high_freq_factor", 4.0);
        double oldContext = scaling.number("original_max_position_embeddings", 8192);
        double lowFreqWavelen = oldContext / lowFreqFactor;
        double highFreqWavelen = oldContext / highFreqFactor;
        int dim = c.headDim();
        float[] out = new float[dim / 2];
        for (int i = 0; i < out.length; i++) {
            // torch computes the frequencies in float32
            float freq = (float) (1.0 / (float) Math.pow(c.ropeTheta(), (float) (2 * i) / (float) dim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highFreqWavelen) {
                out[i] = 1;
            } else if (wavelen > lowFreqWavelen) {
                out[i] = (float) factor;
            } else {
                double smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }
}
