package io.wasmchord.sample;

import java.util.Arrays;

/**
 * The tokens still in the running while the sampler chain narrows them: ids with their logits and,
 * once {@link #softmax()} ran, probabilities. Arrays are reused from token to token.
 */
public final class Candidates {
    int[] ids;
    float[] logits;
    float[] probs;
    int size;
    boolean sorted;
    private long[] keys;

    public Candidates(int vocab) {
        ids = new int[vocab];
        logits = new float[vocab];
        probs = new float[vocab];
        keys = new long[vocab];
    }

    /** Starts over with every token of the vocabulary, logits from {@code src[offset..]}. */
    public void reset(float[] src, int offset, int vocab) {
        for (int i = 0; i < vocab; i++) {
            ids[i] = i;
            logits[i] = src[offset + i];
        }
        size = vocab;
        sorted = false;
    }

    public int size() {
        return size;
    }

    public int id(int i) {
        return ids[i];
    }

    public float logit(int i) {
        return logits[i];
    }

    public float prob(int i) {
        return probs[i];
    }

    /** Sorts by logit, highest first; equal logits keep the lower id first. */
    public void sort() {
        if (sorted) {
            return;
        }
        for (int i = 0; i < size; i++) {
            // a float's bits, flipped to sort as signed ints in float order, then negated for descending
            int bits = Float.floatToIntBits(logits[i]);
            int key = bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
            keys[i] = ((long) ~key << 32) | (ids[i] & 0xFFFFFFFFL);
        }
        Arrays.sort(keys, 0, size);
        for (int i = 0; i < size; i++) {
            int id = (int) keys[i];
            int key = ~(int) (keys[i] >> 32);
            int bits = key >= 0 ? key : key ^ 0x7FFFFFFF;
            ids[i] = id;
            logits[i] = Float.intBitsToFloat(bits);
        }
        sorted = true;
    }

    /** Sorts, then sets probabilities to the softmax of the logits (max-shifted, summed in double). */
    public void softmax() {
        sort();
        float max = logits[0];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            float p = (float) Math.exp(logits[i] - max);
            probs[i] = p;
            sum += p;
        }
        for (int i = 0; i < size; i++) {
            probs[i] = (float) (probs[i] / sum);
        }
    }

    /** Keeps the first {@code n} candidates (at least one). */
    public void truncate(int n) {
        size = Math.max(1, Math.min(n, size));
    }
}
