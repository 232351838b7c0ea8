package io.wasmchord.quant;

/**
 * One ggml tensor type's encoding: how its blocks expand to floats, how floats are encoded into it
 * (activation types only), and its dot product against activations in its vec-dot type. Instances are
 * stateless and safe to share between threads; no method allocates.
 */
public interface BlockFormat {

    /** Expands count values (a multiple of the block size) from blocks at src[srcOffset]. */
    void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count);

    /**
     * Encodes count floats into blocks, as llama.cpp's CPU backend does for this type (activation types
     * Q8_0, Q8_1, Q8_K, and F32/F16/BF16). Weight-only formats throw UnsupportedOperationException
     * (the quantizer writes llama-quantize-identical weight quantizers separately).
     */
    void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count);

    /**
     * Dot product of count weights in this format with count activations already encoded in this
     * type's vecDotType() layout (as produced by vecDotType().format().quantize).
     */
    float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count);
}
