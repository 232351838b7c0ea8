package io.wasmchord.tokenizer;

import java.util.Arrays;

/** A growable list of ints without boxing. */
final class IntList {
    private int[] values;
    private int size;

    IntList() {
        this(16);
    }

    IntList(int capacity) {
        values = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = v;
    }

    int get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i + " >= " + size);
        }
        return values[i];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** Drops elements from the end until {@code newSize} remain. */
    void truncate(int newSize) {
        size = Math.min(size, newSize);
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
