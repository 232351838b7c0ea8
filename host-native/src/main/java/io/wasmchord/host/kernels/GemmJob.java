package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;
import static jdk.incubator.vector.VectorOperators.ADD;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The mat-mat of a prompt batch: each part takes a range of weight rows, expands them {@link #TILE_ROWS}
 * at a time to floats in the worker's scratch (each weight block decoded once per batch, not once per
 * token), and multiplies the tile with every token's activations {@link #TILE_TOKENS} tokens at a time,
 * a register tile of 4 x 2 vector accumulators. Activations are the quantized values llama.cpp's batched
 * path multiplies (Q8_0 / Q8_K times their scales), so results differ from the integer dot only in
 * summation order. Needs cols to be a multiple of the vector width.
 *
 * <p>Both operands are interleaved so that each step of the inner loop reads one contiguous run: the
 * tile holds, for every group of {@code FLOATS} columns, the 4 rows' vectors one after the other
 * ({@code tile[4k + i * FLOATS + k % FLOATS]} for row i), and the activations hold token pairs the same
 * way ({@link GemmInput#packedIndex}). Four (or six) separate streams per step ran ~30% slower than two.
 *
 * <p>Matrices repacked into 8-row groups ({@link InterleavedKernel}) are expanded a group at a time,
 * straight into two tiles ({@link InterleavedKernel#expandGroup}); parts start at multiples of
 * {@link #PART_ROWS} so that groups are never split.
 */
final class GemmJob implements WorkerPool.Job {
    static final int TILE_ROWS = 4;
    static final int TILE_TOKENS = 2;
    /** Parts of the rows are multiples of this (an interleaved group). */
    static final int PART_ROWS = InterleavedKernel.GROUP;

    private RowKernel kernel;
    private MemorySegment weights;
    private long rowBytes;
    private int rows;
    private int cols;
    private float[] x;
    private float[] out;
    private int n;
    private int perPart;
    private Scratch[] scratch;

    /** {@code x}: the batch's activations packed in token pairs by {@link GemmInput}. */
    void set(RowKernel kernel, MemorySegment weights, long rowBytes, int rows, int cols, float[] x, float[] out, int n,
             int perPart, Scratch[] scratch) {
        this.kernel = kernel;
        this.weights = weights;
        this.rowBytes = rowBytes;
        this.rows = rows;
        this.cols = cols;
        this.x = x;
        this.out = out;
        this.n = n;
        this.perPart = perPart;
        this.scratch = scratch;
    }

    void clear() {
        weights = null;
        x = null;
        out = null;
    }

    /** Where row {@code i} of a run of tiles of {@code cols} columns starts: its columns k.. at {@code + TILE_ROWS * k}. */
    static int tileStart(int i, int cols) {
        return i / TILE_ROWS * TILE_ROWS * cols + i % TILE_ROWS * FLOATS;
    }

    @Override
    public void run(int part, int worker) {
        int from = part * perPart;
        int to = Math.min(rows, from + perPart);
        int c = cols;
        Scratch s = scratch[worker];
        InterleavedKernel grouped = kernel instanceof InterleavedKernel k ? k : null;
        int groupedTo = grouped == null ? from : Math.min(to, grouped.groupedRows);
        // [0, 8c): two interleaved tiles; [8c, 9c): one row as the kernel expands it.
        float[] tile = s.tile((2 * TILE_ROWS + 1) * c);
        int row = 2 * TILE_ROWS * c;
        int r0 = from;
        for (; r0 < groupedTo; r0 += PART_ROWS) {
            grouped.expandGroup(weights, r0 / PART_ROWS, c, tile, 0, s);
            // One 4-row tile after the other: both at once per token pair no longer fit L1 with the pair.
            for (int half = 0; half < 2; half++) {
                for (int t0 = 0; t0 < n; t0 += TILE_TOKENS) {
                    multiplyTile(tile, half * TILE_ROWS * c, r0 + half * TILE_ROWS, TILE_ROWS, t0, t0 + 1 < n);
                }
            }
        }
        for (; r0 < to; r0 += TILE_ROWS) {
            // Short last tiles repeat their last row; its results are not stored twice.
            for (int i = 0; i < TILE_ROWS; i++) {
                int r = Math.min(r0 + i, to - 1);
                kernel.dequantize(weights, r * rowBytes, c, tile, row, s);
                for (int k = 0; k < c; k += FLOATS) {
                    FloatVector.fromArray(F, tile, row + k).intoArray(tile, TILE_ROWS * k + i * FLOATS);
                }
            }
            for (int t0 = 0; t0 < n; t0 += TILE_TOKENS) {
                multiplyTile(tile, 0, r0, Math.min(to - r0, TILE_ROWS), t0, t0 + 1 < n);
            }
        }
    }

    /** Rows r0.. (valid of them) of the tile at {@code tileAt} times tokens t0 and t0 + 1 (stored only if {@code second}). */
    private void multiplyTile(float[] tile, int tileAt, int r0, int valid, int t0, boolean second) {
        int c = cols;
        float[] a = x;
        int pair = t0 * c; // GemmInput.packedIndex(t0, 0, c)
        FloatVector s00 = FloatVector.zero(F), s01 = FloatVector.zero(F);
        FloatVector s10 = FloatVector.zero(F), s11 = FloatVector.zero(F);
        FloatVector s20 = FloatVector.zero(F), s21 = FloatVector.zero(F);
        FloatVector s30 = FloatVector.zero(F), s31 = FloatVector.zero(F);
        for (int k = 0; k < c; k += FLOATS) {
            int xa = pair + 2 * k;
            int wa = tileAt + TILE_ROWS * k;
            FloatVector x0 = FloatVector.fromArray(F, a, xa);
            FloatVector x1 = FloatVector.fromArray(F, a, xa + FLOATS);
            FloatVector w0 = FloatVector.fromArray(F, tile, wa);
            FloatVector w1 = FloatVector.fromArray(F, tile, wa + FLOATS);
            FloatVector w2 = FloatVector.fromArray(F, tile, wa + 2 * FLOATS);
            FloatVector w3 = FloatVector.fromArray(F, tile, wa + 3 * FLOATS);
            s00 = w0.fma(x0, s00);
            s01 = w0.fma(x1, s01);
            s10 = w1.fma(x0, s10);
            s11 = w1.fma(x1, s11);
            s20 = w2.fma(x0, s20);
            s21 = w2.fma(x1, s21);
            s30 = w3.fma(x0, s30);
            s31 = w3.fma(x1, s31);
        }
        float[] o = out;
        int o0 = t0 * rows + r0;
        o[o0] = s00.reduceLanes(ADD);
        if (valid > 1) {
            o[o0 + 1] = s10.reduceLanes(ADD);
        }
        if (valid > 2) {
            o[o0 + 2] = s20.reduceLanes(ADD);
        }
        if (valid > 3) {
            o[o0 + 3] = s30.reduceLanes(ADD);
        }
        if (second) {
            int o1 = o0 + rows;
            o[o1] = s01.reduceLanes(ADD);
            if (valid > 1) {
                o[o1 + 1] = s11.reduceLanes(ADD);
            }
            if (valid > 2) {
                o[o1 + 2] = s21.reduceLanes(ADD);
            }
            if (valid > 3) {
                o[o1 + 3] = s31.reduceLanes(ADD);
            }
        }
    }
}
