package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The mat-mat of a prompt batch, blocked like a BLAS gemm so that both operands come from cache: the
 * columns are taken {@link #CHUNK} at a time (the batch's activations of one chunk, 128 tokens x 256
 * columns = 128 KB, stay in L2 while a part's rows pass over them), and within a chunk the rows
 * {@link #PANEL_ROWS} at a time, expanded to floats into a panel that stays in L1 (8 KB; 16 KB at 512
 * bits) while every block of tokens meets it. Each weight block is still decoded once per batch. Formats
 * repacked into runs (Q4_0, Q8_0, Q4_K, Q6_K) widen straight into a column-major panel
 * ({@link InterleavedKernel#expandColumns}); the file-layout formats, and the rows past a matrix's last
 * group, are expanded row by row into a row-major one. The column-major expansion takes a panel from 0.9-1.5
 * cycles per weight (8-14% of the mat-mat) to 0.4 (Q4_K 0.6), single thread, 2048 x 768.
 *
 * <p>The register tile is 4 rows x 2 vectors of tokens ({@link #multiplyWide}: 16 tokens at 256 bits,
 * 32 at 512; a last block of at most a vector of tokens takes 8 rows x 1 vector, {@link #multiplyNarrow}),
 * run over the panel's rows 4 or 8 at a time: vectors run along the tokens (activations packed by
 * {@link GemmInput}, column by column), each weight is broadcast from the panel, and the accumulators
 * need no horizontal sums; between chunks they are parked in the part's sums and picked up again, and
 * at the end of the part moved to the output. The earlier tile (4 rows x 2 tokens, columns along the
 * lanes, each over all columns) streamed the whole batch's activations again for every 4 rows: 1-2.9
 * MB at TinyLlama's widths, from L3. The multiply ran at the FMA peak on Zen 3 (44 GMAC/s per thread);
 * the panels' expansion costs 9-15% on top. At 512 bits the column-major panels take 8 rows a tile
 * ({@link #EIGHT_ROWS}).
 *
 * <p>Activations are the quantized values llama.cpp's batched path multiplies (Q8_0 / Q8_K times their
 * scales), so results differ from the integer dot only in summation order. Matrices repacked into
 * groups of rows ({@link InterleavedKernel}) are expanded a group at a time; parts start at multiples of
 * {@link #PART_ROWS} so that groups are never split.
 */
final class GemmJob implements WorkerPool.Job {
    /** Rows of a panel and of the register tile: one interleaved group. */
    static final int PANEL_ROWS = InterleavedKernel.GROUP;
    /** Parts of the rows are multiples of this (an interleaved group). */
    static final int PART_ROWS = PANEL_ROWS;
    /** Columns per chunk: a multiple of every block size (256 for the K-quants). */
    static final int CHUNK = 256;
    private static final int WIDE = GemmInput.WIDE;
    private static final int NARROW = GemmInput.NARROW;

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

    /** {@code x}: the batch's activations packed in blocks of tokens by {@link GemmInput}. */
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

    @Override
    public void run(int part, int worker) {
        int from = part * perPart;
        int to = Math.min(rows, from + perPart);
        int c = cols;
        // Row i of the part, token t: sums[i * stride + t]; whole panels, so a short last one fits. A line
        // more than the tokens, so that a column of sums does not fall into one cache set.
        int stride = GemmInput.paddedTokens(n) + 16;
        Scratch s = scratch[worker];
        float[] panel = s.tile(PANEL_ROWS * CHUNK);
        float[] sums = s.sums((to - from + PANEL_ROWS - 1) / PANEL_ROWS * PANEL_ROWS * stride);
        for (int k0 = 0; k0 < c; k0 += CHUNK) {
            int kc = Math.min(CHUNK, c - k0);
            for (int r0 = from; r0 < to; r0 += PANEL_ROWS) {
                boolean columnMajor = expand(r0, Math.min(PANEL_ROWS, to - r0), k0, kc, panel, s);
                int at = (r0 - from) * stride;
                for (int t0 = 0; t0 < n; t0 += WIDE) {
                    int width = GemmInput.blockWidth(t0, n);
                    int xAt = t0 * c + k0 * width;
                    if (columnMajor) {
                        if (width == WIDE && EIGHT_ROWS) {
                            for (int i = 0; i < PANEL_ROWS; i += 8) {
                                multiplyWideColumns8(panel, i, x, xAt, kc, sums, at + i * stride + t0, stride, k0 == 0);
                            }
                        } else if (width == WIDE) {
                            multiplyWideColumns(panel, 0, x, xAt, kc, sums, at + t0, stride, k0 == 0);
                            multiplyWideColumns(panel, 4, x, xAt, kc, sums, at + 4 * stride + t0, stride, k0 == 0);
                            for (int i = 8; i < PANEL_ROWS; i += 4) {
                                multiplyWideColumns(panel, i, x, xAt, kc, sums, at + i * stride + t0, stride, k0 == 0);
                            }
                        } else {
                            for (int i = 0; i < PANEL_ROWS; i += 8) {
                                multiplyNarrowColumns(panel, i, x, xAt, kc, sums, at + i * stride + t0, stride, k0 == 0);
                            }
                        }
                    } else if (width == WIDE) {
                        // The panel's rows 4 at a time, the first 8 written out (C2 unrolls no loop around a loop).
                        multiplyWide(panel, 0, x, xAt, kc, sums, at + t0, stride, k0 == 0);
                        multiplyWide(panel, 4 * CHUNK, x, xAt, kc, sums, at + 4 * stride + t0, stride, k0 == 0);
                        for (int i = 8; i < PANEL_ROWS; i += 4) {
                            multiplyWide(panel, i * CHUNK, x, xAt, kc, sums, at + i * stride + t0, stride, k0 == 0);
                        }
                    } else {
                        for (int i = 0; i < PANEL_ROWS; i += 8) {
                            multiplyNarrow(panel, i * CHUNK, x, xAt, kc, sums, at + i * stride + t0, stride, k0 == 0);
                        }
                    }
                }
            }
        }
        // The part's sums (rows x tokens) into the output (tokens x rows), token by token: each token's rows
        // are written side by side, whole cache lines (row by row, every write landed in another line and
        // page; panel by panel, each line was written in two halves, at 3% of stories110M's prefill), a
        // vector of rows at a time gathered from the sums (8% faster than one by one).
        float[] o = out;
        int[] across = s.ints(FLOATS);
        for (int i = 0; i < FLOATS; i++) {
            across[i] = i * stride;
        }
        int whole = from + (to - from) / FLOATS * FLOATS;
        for (int t = 0; t < n; t++) {
            int row = t * rows;
            for (int r = from; r < whole; r += FLOATS) {
                FloatVector.fromArray(F, sums, (r - from) * stride + t, across, 0).intoArray(o, row + r);
            }
            for (int r = whole; r < to; r++) {
                o[row + r] = sums[(r - from) * stride + t];
            }
        }
    }

    /**
     * Columns {@code [k0, k0 + kc)} of rows {@code r0..} ({@code count} of them, at most a panel) as
     * floats: a repacked group column-major ({@link InterleavedKernel#expandColumns}, column k of row i at
     * {@code panel[k * PANEL_ROWS + i]}), and then returns true; other rows row-major, row i at
     * {@code panel[i * CHUNK]}, a short panel repeating its last row (its sums are never stored).
     */
    private boolean expand(int r0, int count, int k0, int kc, float[] panel, Scratch s) {
        int blockSize = kernel.type.blockSize;
        if (kernel instanceof InterleavedKernel grouped && r0 < grouped.groupedRows) {
            // Parts start at group boundaries, so a panel below groupedRows is one whole group.
            grouped.expandColumns(grouped.packed(), r0 / PANEL_ROWS, cols, k0 / blockSize, (k0 + kc) / blockSize, panel, 0, s);
            return true;
        }
        long skip = kernel.type.bytesFor(k0);
        for (int i = 0; i < PANEL_ROWS; i++) {
            int r = r0 + Math.min(i, count - 1);
            if (kernel instanceof InterleavedKernel grouped) {
                grouped.plain.dequantize(weights, grouped.tailOffset(r, cols) + skip, kc, panel, i * CHUNK, s);
            } else {
                kernel.dequantize(weights, r * rowBytes + skip, kc, panel, i * CHUNK, s);
            }
        }
        return false;
    }

    /**
     * Four of the panel's rows (from {@code panel[p]}) times a wide block of tokens (two vectors, from
     * {@code x[xAt]}) over {@code kc} columns, added to the sums at {@code sums[at + i * stride]} for row i,
     * or replacing them on the first chunk. Per column: 2 activation loads and 4 broadcasts for 8
     * multiply-adds (the 8-row tile of {@link #multiplyNarrow} needs 9 loads for 8).
     */
    private static void multiplyWide(float[] panel, int p, float[] x, int xAt, int kc, float[] sums, int at, int stride,
                                     boolean first) {
        FloatVector s00, s01, s10, s11, s20, s21, s30, s31;
        if (first) {
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = FloatVector.zero(F);
        } else {
            s00 = FloatVector.fromArray(F, sums, at);
            s01 = FloatVector.fromArray(F, sums, at + NARROW);
            s10 = FloatVector.fromArray(F, sums, at + stride);
            s11 = FloatVector.fromArray(F, sums, at + stride + NARROW);
            s20 = FloatVector.fromArray(F, sums, at + 2 * stride);
            s21 = FloatVector.fromArray(F, sums, at + 2 * stride + NARROW);
            s30 = FloatVector.fromArray(F, sums, at + 3 * stride);
            s31 = FloatVector.fromArray(F, sums, at + 3 * stride + NARROW);
        }
        for (int pi = p, xi = xAt; pi < p + kc; pi++, xi += WIDE) {
            FloatVector v0 = FloatVector.fromArray(F, x, xi);
            FloatVector v1 = FloatVector.fromArray(F, x, xi + NARROW);
            FloatVector w0 = FloatVector.broadcast(F, panel[pi]);
            s00 = w0.fma(v0, s00);
            s01 = w0.fma(v1, s01);
            FloatVector w1 = FloatVector.broadcast(F, panel[pi + CHUNK]);
            s10 = w1.fma(v0, s10);
            s11 = w1.fma(v1, s11);
            FloatVector w2 = FloatVector.broadcast(F, panel[pi + 2 * CHUNK]);
            s20 = w2.fma(v0, s20);
            s21 = w2.fma(v1, s21);
            FloatVector w3 = FloatVector.broadcast(F, panel[pi + 3 * CHUNK]);
            s30 = w3.fma(v0, s30);
            s31 = w3.fma(v1, s31);
        }
        s00.intoArray(sums, at);
        s01.intoArray(sums, at + NARROW);
        s10.intoArray(sums, at + stride);
        s11.intoArray(sums, at + stride + NARROW);
        s20.intoArray(sums, at + 2 * stride);
        s21.intoArray(sums, at + 2 * stride + NARROW);
        s30.intoArray(sums, at + 3 * stride);
        s31.intoArray(sums, at + 3 * stride + NARROW);
    }

    /**
     * Eight of the panel's rows (from {@code panel[p]}) times a narrow block of tokens (one vector) over
     * {@code kc} columns (activations from {@code x[xAt]}, one vector of tokens per column), added to the
     * sums at {@code sums[at + i * stride]} for row i, or replacing them on the first chunk.
     */
    private static void multiplyNarrow(float[] panel, int p, float[] x, int xAt, int kc, float[] sums, int at, int stride,
                                 boolean first) {
        FloatVector s0, s1, s2, s3, s4, s5, s6, s7;
        if (first) {
            s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = FloatVector.zero(F);
        } else {
            s0 = FloatVector.fromArray(F, sums, at);
            s1 = FloatVector.fromArray(F, sums, at + stride);
            s2 = FloatVector.fromArray(F, sums, at + 2 * stride);
            s3 = FloatVector.fromArray(F, sums, at + 3 * stride);
            s4 = FloatVector.fromArray(F, sums, at + 4 * stride);
            s5 = FloatVector.fromArray(F, sums, at + 5 * stride);
            s6 = FloatVector.fromArray(F, sums, at + 6 * stride);
            s7 = FloatVector.fromArray(F, sums, at + 7 * stride);
        }
        for (int k = 0; k < kc; k++) {
            FloatVector v = FloatVector.fromArray(F, x, xAt + k * NARROW);
            s0 = FloatVector.broadcast(F, panel[p + k]).fma(v, s0);
            s1 = FloatVector.broadcast(F, panel[p + CHUNK + k]).fma(v, s1);
            s2 = FloatVector.broadcast(F, panel[p + 2 * CHUNK + k]).fma(v, s2);
            s3 = FloatVector.broadcast(F, panel[p + 3 * CHUNK + k]).fma(v, s3);
            s4 = FloatVector.broadcast(F, panel[p + 4 * CHUNK + k]).fma(v, s4);
            s5 = FloatVector.broadcast(F, panel[p + 5 * CHUNK + k]).fma(v, s5);
            s6 = FloatVector.broadcast(F, panel[p + 6 * CHUNK + k]).fma(v, s6);
            s7 = FloatVector.broadcast(F, panel[p + 7 * CHUNK + k]).fma(v, s7);
        }
        s0.intoArray(sums, at);
        s1.intoArray(sums, at + stride);
        s2.intoArray(sums, at + 2 * stride);
        s3.intoArray(sums, at + 3 * stride);
        s4.intoArray(sums, at + 4 * stride);
        s5.intoArray(sums, at + 5 * stride);
        s6.intoArray(sums, at + 6 * stride);
        s7.intoArray(sums, at + 7 * stride);
    }

    /*
     * The same two tiles over a column-major panel (row i + 1 one float after row i, column k + 1 a group
     * after column k). They are written out a second time rather than taking the layout's two strides as
     * arguments: with strides that are not constants C2 no longer treats the loop as counted (no unrolling,
     * a bounds check per load), and the mat-mat lost a third of its speed.
     */

    /** {@link #multiplyWide} over a column-major panel: row i, column k at {@code panel[p + k * PANEL_ROWS + i]}. */
    private static void multiplyWideColumns(float[] panel, int p, float[] x, int xAt, int kc, float[] sums, int at, int stride,
                                     boolean first) {
        FloatVector s00, s01, s10, s11, s20, s21, s30, s31;
        if (first) {
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = FloatVector.zero(F);
        } else {
            s00 = FloatVector.fromArray(F, sums, at);
            s01 = FloatVector.fromArray(F, sums, at + NARROW);
            s10 = FloatVector.fromArray(F, sums, at + stride);
            s11 = FloatVector.fromArray(F, sums, at + stride + NARROW);
            s20 = FloatVector.fromArray(F, sums, at + 2 * stride);
            s21 = FloatVector.fromArray(F, sums, at + 2 * stride + NARROW);
            s30 = FloatVector.fromArray(F, sums, at + 3 * stride);
            s31 = FloatVector.fromArray(F, sums, at + 3 * stride + NARROW);
        }
        for (int pi = p, xi = xAt; pi < p + kc * PANEL_ROWS; pi += PANEL_ROWS, xi += WIDE) {
            FloatVector v0 = FloatVector.fromArray(F, x, xi);
            FloatVector v1 = FloatVector.fromArray(F, x, xi + NARROW);
            FloatVector w0 = FloatVector.broadcast(F, panel[pi]);
            s00 = w0.fma(v0, s00);
            s01 = w0.fma(v1, s01);
            FloatVector w1 = FloatVector.broadcast(F, panel[pi + 1]);
            s10 = w1.fma(v0, s10);
            s11 = w1.fma(v1, s11);
            FloatVector w2 = FloatVector.broadcast(F, panel[pi + 2]);
            s20 = w2.fma(v0, s20);
            s21 = w2.fma(v1, s21);
            FloatVector w3 = FloatVector.broadcast(F, panel[pi + 3]);
            s30 = w3.fma(v0, s30);
            s31 = w3.fma(v1, s31);
        }
        s00.intoArray(sums, at);
        s01.intoArray(sums, at + NARROW);
        s10.intoArray(sums, at + stride);
        s11.intoArray(sums, at + stride + NARROW);
        s20.intoArray(sums, at + 2 * stride);
        s21.intoArray(sums, at + 2 * stride + NARROW);
        s30.intoArray(sums, at + 3 * stride);
        s31.intoArray(sums, at + 3 * stride + NARROW);
    }

    /**
     * Whether the column-major panels take the 8-row tile ({@link #multiplyWideColumns8}): with AVX-512's 32
     * vector registers its 16 accumulators fit, and each load of the tokens' vectors serves 8 rows, not 4.
     * On the Zen 5 VM, one thread, a TinyLlama Q4_0 layer at n = 128: 77 -> 100 GMAC/s (FMA peak ~115).
     * Column-major panels only, in a method of their own: one 8-row method for both layouts, the strides
     * as parameters, ran at 84-86 GMAC/s.
     */
    private static final boolean EIGHT_ROWS = FLOATS >= 16;

    /** {@link #multiplyWideColumns} for 8 rows of the panel from row {@code p}. */
    private static void multiplyWideColumns8(float[] panel, int p, float[] x, int xAt, int kc, float[] sums, int at, int stride,
                                     boolean first) {
        FloatVector s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51, s60, s61, s70, s71;
        if (first) {
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = s40 = s41 = s50 = s51 = s60 = s61 = s70 = s71 = FloatVector.zero(F);
        } else {
            s00 = FloatVector.fromArray(F, sums, at);
            s01 = FloatVector.fromArray(F, sums, at + NARROW);
            s10 = FloatVector.fromArray(F, sums, at + stride);
            s11 = FloatVector.fromArray(F, sums, at + stride + NARROW);
            s20 = FloatVector.fromArray(F, sums, at + 2 * stride);
            s21 = FloatVector.fromArray(F, sums, at + 2 * stride + NARROW);
            s30 = FloatVector.fromArray(F, sums, at + 3 * stride);
            s31 = FloatVector.fromArray(F, sums, at + 3 * stride + NARROW);
            s40 = FloatVector.fromArray(F, sums, at + 4 * stride);
            s41 = FloatVector.fromArray(F, sums, at + 4 * stride + NARROW);
            s50 = FloatVector.fromArray(F, sums, at + 5 * stride);
            s51 = FloatVector.fromArray(F, sums, at + 5 * stride + NARROW);
            s60 = FloatVector.fromArray(F, sums, at + 6 * stride);
            s61 = FloatVector.fromArray(F, sums, at + 6 * stride + NARROW);
            s70 = FloatVector.fromArray(F, sums, at + 7 * stride);
            s71 = FloatVector.fromArray(F, sums, at + 7 * stride + NARROW);
        }
        for (int pi = p, xi = xAt; pi < p + kc * PANEL_ROWS; pi += PANEL_ROWS, xi += WIDE) {
            FloatVector v0 = FloatVector.fromArray(F, x, xi);
            FloatVector v1 = FloatVector.fromArray(F, x, xi + NARROW);
            FloatVector w = FloatVector.broadcast(F, panel[pi]);
            s00 = w.fma(v0, s00);
            s01 = w.fma(v1, s01);
            w = FloatVector.broadcast(F, panel[pi + 1]);
            s10 = w.fma(v0, s10);
            s11 = w.fma(v1, s11);
            w = FloatVector.broadcast(F, panel[pi + 2]);
            s20 = w.fma(v0, s20);
            s21 = w.fma(v1, s21);
            w = FloatVector.broadcast(F, panel[pi + 3]);
            s30 = w.fma(v0, s30);
            s31 = w.fma(v1, s31);
            w = FloatVector.broadcast(F, panel[pi + 4]);
            s40 = w.fma(v0, s40);
            s41 = w.fma(v1, s41);
            w = FloatVector.broadcast(F, panel[pi + 5]);
            s50 = w.fma(v0, s50);
            s51 = w.fma(v1, s51);
            w = FloatVector.broadcast(F, panel[pi + 6]);
            s60 = w.fma(v0, s60);
            s61 = w.fma(v1, s61);
            w = FloatVector.broadcast(F, panel[pi + 7]);
            s70 = w.fma(v0, s70);
            s71 = w.fma(v1, s71);
        }
        s00.intoArray(sums, at);
        s01.intoArray(sums, at + NARROW);
        s10.intoArray(sums, at + stride);
        s11.intoArray(sums, at + stride + NARROW);
        s20.intoArray(sums, at + 2 * stride);
        s21.intoArray(sums, at + 2 * stride + NARROW);
        s30.intoArray(sums, at + 3 * stride);
        s31.intoArray(sums, at + 3 * stride + NARROW);
        s40.intoArray(sums, at + 4 * stride);
        s41.intoArray(sums, at + 4 * stride + NARROW);
        s50.intoArray(sums, at + 5 * stride);
        s51.intoArray(sums, at + 5 * stride + NARROW);
        s60.intoArray(sums, at + 6 * stride);
        s61.intoArray(sums, at + 6 * stride + NARROW);
        s70.intoArray(sums, at + 7 * stride);
        s71.intoArray(sums, at + 7 * stride + NARROW);
    }

    /** {@link #multiplyNarrow} over a column-major panel. */
    private static void multiplyNarrowColumns(float[] panel, int p, float[] x, int xAt, int kc, float[] sums, int at, int stride,
                                 boolean first) {
        FloatVector s0, s1, s2, s3, s4, s5, s6, s7;
        if (first) {
            s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = FloatVector.zero(F);
        } else {
            s0 = FloatVector.fromArray(F, sums, at);
            s1 = FloatVector.fromArray(F, sums, at + stride);
            s2 = FloatVector.fromArray(F, sums, at + 2 * stride);
            s3 = FloatVector.fromArray(F, sums, at + 3 * stride);
            s4 = FloatVector.fromArray(F, sums, at + 4 * stride);
            s5 = FloatVector.fromArray(F, sums, at + 5 * stride);
            s6 = FloatVector.fromArray(F, sums, at + 6 * stride);
            s7 = FloatVector.fromArray(F, sums, at + 7 * stride);
        }
        for (int k = 0; k < kc; k++) {
            FloatVector v = FloatVector.fromArray(F, x, xAt + k * NARROW);
            s0 = FloatVector.broadcast(F, panel[p + k * PANEL_ROWS]).fma(v, s0);
            s1 = FloatVector.broadcast(F, panel[p + k * PANEL_ROWS + 1]).fma(v, s1);
            s2 = FloatVector.broadcast(F, panel[p + k * PANEL_ROWS + 2]).fma(v, s2);
            s3 = FloatVector.broadcast(F, panel[p + k * PANEL_ROWS + 3]).fma(v, s3);
            s4 = FloatVector.broadcast(F, panel[p + k * PANEL_ROWS + 4]).fma(v, s4);
            s5 = FloatVector.broadcast(F, panel[p + k * PANEL_ROWS + 5]).fma(v, s5);
            s6 = FloatVector.broadcast(F, panel[p + k * PANEL_ROWS + 6]).fma(v, s6);
            s7 = FloatVector.broadcast(F, panel[p + k * PANEL_ROWS + 7]).fma(v, s7);
        }
        s0.intoArray(sums, at);
        s1.intoArray(sums, at + stride);
        s2.intoArray(sums, at + 2 * stride);
        s3.intoArray(sums, at + 3 * stride);
        s4.intoArray(sums, at + 4 * stride);
        s5.intoArray(sums, at + 5 * stride);
        s6.intoArray(sums, at + 6 * stride);
        s7.intoArray(sums, at + 7 * stride);
    }
}
