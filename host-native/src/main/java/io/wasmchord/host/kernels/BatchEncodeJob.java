package io.wasmchord.host.kernels;

/**
 * A batch's Q8_0 encoding, with the nibble pairs the batched Q4_0 pass reads, split over the pool: a
 * part is a run of {@link #BLOCKS} blocks. On the calling thread alone, with the other threads waiting,
 * it was a tenth of a stories110M prompt's time (docs/PERFORMANCE.md, "Session 12").
 */
final class BatchEncodeJob implements WorkerPool.RangeJob {
    static final int BLOCKS = 64;

    private Activations a;
    private float[] x;
    private int blocks;

    /** Starts encoding {@code rows} rows of {@code x} into {@code a}; returns the number of parts. */
    int set(Activations a, float[] x, int cols, int rows) {
        this.a = a;
        this.x = x;
        blocks = cols * rows >> 5;
        a.startQ8_0(cols, rows);
        return (blocks + BLOCKS - 1) / BLOCKS;
    }

    @Override
    public void run(int from, int to, int worker) {
        a.encodeQ8_0Blocks(x, from * BLOCKS, Math.min(blocks, to * BLOCKS), true);
    }

    /** After every part has run: the encoding is whole. */
    void finish() {
        a.finishQ8_0();
        a = null;
        x = null;
    }
}
