package io.wasmchord.sample;

/** The last {@code capacity} tokens seen (prompt and generated), for the repetition penalties. */
public final class TokenHistory {
    private final int[] ring;
    private int count;
    private int next;

    public TokenHistory(int capacity) {
        ring = new int[Math.max(capacity, 0)];
    }

    public void add(int token) {
        if (ring.length == 0) {
            return;
        }
        ring[next] = token;
        next = (next + 1) % ring.length;
        count = Math.min(count + 1, ring.length);
    }

    public void clear() {
        count = 0;
        next = 0;
    }

    public int size() {
        return count;
    }

    /** The i-th most recent token (0 = newest). */
    public int recent(int i) {
        return ring[((next - 1 - i) % ring.length + ring.length) % ring.length];
    }
}
