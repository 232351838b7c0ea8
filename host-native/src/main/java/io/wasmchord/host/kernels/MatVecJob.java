package io.wasmchord.host.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The mat-vec (decoding, and batches of up to 3 rows): rows of up to {@link #MAX} weight matrices that
 * read the same encoded input, split into parts of whole row groups and run as one pool job, so a
 * layer's Q, K and V (or gate and up) cost one dispatch. Each weight row (or group of rows) is read
 * from memory once and reused, from cache, for every activation row. A run of parts a thread claims at
 * once is one kernel call per matrix (a call per part cost TinyLlama Q4_0 decode 4.6%, stories110M Q4_0
 * 6.6%: in-JVM pairs, medians of 16). Set up per call; allocates nothing.
 */
final class MatVecJob implements WorkerPool.RangeJob {
    static final int MAX = 4;

    private final RowKernel[] kernels = new RowKernel[MAX];
    private final MemorySegment[] weights = new MemorySegment[MAX];
    private final long[] rowBytes = new long[MAX];
    private final int[] rows = new int[MAX];
    private final float[][] outs = new float[MAX][];
    private final int[] perPart = new int[MAX];
    /** Matrix m owns parts {@code [firstPart[m], firstPart[m + 1])}. */
    private final int[] firstPart = new int[MAX + 1];
    private int count;
    private Activations a;
    private int n;
    private Scratch[] scratch;

    void start(Activations a, int n, Scratch[] scratch) {
        this.a = a;
        this.n = n;
        this.scratch = scratch;
        count = 0;
    }

    /** Adds a matrix split into parts of {@code perPart} rows (a multiple of the interleaved group). */
    void add(RowKernel kernel, MemorySegment w, long rowBytes, int rows, float[] out, int perPart) {
        if (kernel instanceof InterleavedKernel g) {
            g.prepare(a);
        }
        int m = count++;
        kernels[m] = kernel;
        weights[m] = w;
        this.rowBytes[m] = rowBytes;
        this.rows[m] = rows;
        outs[m] = out;
        this.perPart[m] = perPart;
        firstPart[m + 1] = firstPart[m] + (rows + perPart - 1) / perPart;
    }

    int parts() {
        return firstPart[count];
    }

    /** Activation rows of this call. */
    int activationRows() {
        return n;
    }

    /** A range of a repacked matrix's bytes (see {@link WorkerPool#prefetchNext}); bytes null: none. */
    static final class Range {
        byte[] bytes;
        int from;
        int to;
    }

    /** The kernel of this job's first matrix: the same object for the same matrices every call. */
    RowKernel first() {
        return kernels[0];
    }

    /** Into {@code range}: up to {@code maxBytes} of repacked bytes from the start of {@code part} on. */
    void bytesFrom(int part, int maxBytes, Range range) {
        range.bytes = null;
        int m = 0;
        while (m < count && part >= firstPart[m + 1]) {
            m++;
        }
        if (m == count || !(kernels[m] instanceof InterleavedKernel g)) {
            return;
        }
        int row = (part - firstPart[m]) * perPart[m];
        if (row >= g.groupedRows) {
            return;
        }
        long from = g.groupOffset(row / InterleavedKernel.GROUP, a.cols);
        long end = g.groupOffset(g.groupedRows / InterleavedKernel.GROUP, a.cols);
        range.bytes = g.packed();
        range.from = (int) from;
        range.to = (int) Math.min(end, from + maxBytes);
    }

    /** Drops the references to the call's arrays and weights. */
    void clear() {
        for (int m = 0; m < count; m++) {
            weights[m] = null;
            outs[m] = null;
            kernels[m] = null;
        }
        a = null;
    }

    /** Parts {@code [from, to)}: per matrix they cover, its rows in one pass. */
    @Override
    public void run(int from, int to, int worker) {
        for (int m = 0; m < count && from < to; m++) {
            if (from >= firstPart[m + 1]) {
                continue;
            }
            int last = Math.min(to, firstPart[m + 1]);
            int end = Math.min(rows[m], (last - firstPart[m]) * perPart[m]);
            // One activation row: the whole range at once. More: part by part, so each part's weights are
            // read from memory once and from cache for the other rows.
            int step = n == 1 ? end : perPart[m];
            for (int r = (from - firstPart[m]) * perPart[m]; r < end; r += step) {
                runRows(m, r, Math.min(end, r + step), worker);
            }
            from = last;
        }
    }

    private void runRows(int m, int from, int to, int worker) {
        int rows = this.rows[m];
        RowKernel k = kernels[m];
        MemorySegment w = weights[m];
        float[] out = outs[m];
        Activations a = this.a;
        Scratch s = scratch[worker];
        if (k instanceof InterleavedKernel g) {
            int cols = a.cols;
            byte[] packed = g.packed();
            int grouped = Math.min(to, g.groupedRows);
            if (from < grouped) {
                int offset = (int) g.groupOffset(from / InterleavedKernel.GROUP, cols);
                g.dotGroupsRows(packed, offset, (grouped - from) / InterleavedKernel.GROUP, a, n, out, from, rows);
                from = grouped;
            }
            for (int r = from; r < to; r++) {
                long offset = g.tailOffset(r, cols);
                for (int t = 0; t < n; t++) {
                    out[t * rows + r] = g.dot(w, offset, a, t, s);
                }
            }
            return;
        }
        k.dotRows(w, rowBytes[m], from, to, a, n, out, rows, s);
    }
}
