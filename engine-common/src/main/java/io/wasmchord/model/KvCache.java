package io.wasmchord.model;

import io.wasmchord.kernel.Kernels;

/**
 * Keys and values of every layer for up to {@code capacity} positions, stored in fp16 as llama.cpp's
 * default cache stores them. Positions fill from 0; {@link #length()} of them are valid.
 */
public final class KvCache {
    private final short[][] keys;
    private final short[][] values;
    private final int kvDim;
    private final int capacity;
    private int length;

    KvCache(int layers, int kvDim, int capacity) {
        long perLayer = (long) kvDim * capacity;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new ModelException("KV cache of " + capacity + " positions x " + kvDim
                    + " values per layer is too large for one array; ask for a smaller context");
        }
        this.keys = new short[layers][(int) perLayer];
        this.values = new short[layers][(int) perLayer];
        this.kvDim = kvDim;
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    /** How many positions hold valid keys and values. */
    public int length() {
        return length;
    }

    /** Forgets every position from {@code newLength} on (to reuse a shared prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    /** Bytes the cache occupies. */
    public long bytes() {
        return 2L * 2 * keys.length * (long) kvDim * capacity;
    }

    short[] keys(int layer) {
        return keys[layer];
    }

    short[] values(int layer) {
        return values[layer];
    }

    /** Stores one position's key and value vectors (rounded to fp16 by {@code kernels}) of layer {@code layer}. */
    void store(Kernels kernels, int layer, int pos, float[] k, int kOffset, float[] v, int vOffset) {
        kernels.toHalf(k, kOffset, keys[layer], pos * kvDim, kvDim);
        kernels.toHalf(v, vOffset, values[layer], pos * kvDim, kvDim);
    }

    void setLength(int length) {
        this.length = length;
    }
}
