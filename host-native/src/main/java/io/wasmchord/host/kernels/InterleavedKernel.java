package io.wasmchord.host.kernels;

import io.wasmchord.io.LittleEndian;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A format's kernel over one weight matrix repacked once, at load, into groups of {@link #GROUP} rows
 * whose blocks are interleaved, after llama.cpp's repacking of Q4_0 for AVX2: one vector load holds a
 * few values of each row of the group, the activations they meet are broadcast, and a block's 16-bit
 * sums end up one row per 32-bit lane. The scales of a block's rows sit side by side, so widening the
 * sums and applying the scales happens once per block for the whole group instead of once per row:
 * without {@code pmaddubsw} that was most of a block's cost.
 *
 * <p>The layout follows the vector width (it is made at load): a group is as many rows as two float
 * vectors have lanes ({@link #GROUP}: 8 at 128 bits, 16 at 256, 32 at 512). A short vector holds a 2-byte
 * piece of each row of half a group, and its 32-bit sums are one float vector; the mat-vecs take both
 * halves of a run in one pass, so each broadcast activation and each trip's bookkeeping serves twice the
 * rows. Against groups of one vector's rows (up to session 6), the Q4_0 mat-vec streaming from memory on
 * two threads ran 1.19x as fast, as fast as llama.cpp's own (docs/PERFORMANCE.md, "Session 7"). A run of
 * {@link #RUN} bytes holds a 2-byte piece of every row.
 *
 * <p>Group {@code g} holds rows {@code [GROUP g, GROUP (g + 1))} in {@link #groupBytes} bytes (GROUP
 * file rows' worth: every layout here keeps the file's size), and rows past the last whole group follow
 * in the file layout (the plain kernel reads them). The mat-mat expands whole groups column-major
 * ({@link #expandColumns}) and the rows past the last group with {@link #plain} at {@link #tailOffset};
 * {@link #dequantize} gives any single row, at the file layout's offsets ({@code r * rowBytes}).
 *
 * <p>The repacked bytes live in one Java array owned by the kernel (one instance per matrix), and the
 * mat-vec reads them with int offsets: C2 compiles vector loads from an array in a counted loop with
 * its bounds checks hoisted, where loads from a {@code MemorySegment} kept per-load long checks and
 * loop splitting in the hot loop (Q4_0 decode ran at 16 GMAC/s from a segment, 19 from an array).
 * Matrices whose repacked form would not fit one array keep the file layout.
 *
 * <p>The mat-vecs take two groups a pass: group g of a call's first half with group g of its second, so
 * each thread has two streams of weights in flight, far apart. On this Zen 5 (AVX-512) VM two streams
 * next to each other (groups g and g + 1: sessions 9-10, tuned on Zen 3) lost to one group at a time, up
 * to 2x from memory in short rows, where far apart they won: one thread from memory, far pairs against
 * adjacent ones 1.10-1.27 (Q4_0), 1.09-1.25 (Q8_0), 1.04-2.1 (Q6_K), and against one group at a time
 * 1.23-1.30 (Q4_K, 2 threads); in calls of 2, 4 and 8 groups (the pairs' distance 1, 2, 4 groups) Q4_0's
 * pairs ran at 0.84, 0.94 and 1.07 of one group at a time. A pool part's run of groups is one call (see
 * MatVecJob), and the first runs a thread claims are long.
 *
 * <p>Every format here stores a block's values as runs of {@link #RUN} bytes (byte {@code 2r + e} of a
 * run belongs to row r; Q6_K: runs of 16-bit words, word {@code 2r + e} row r's), which widen straight
 * into a column-major panel ({@link #expandColumns}); a single row ({@link #dequantize}) is read out of
 * such panels.
 */
abstract class InterleavedKernel extends RowKernel {
    /** Rows of a group: two float vectors' lanes, at least 8. */
    static final int GROUP = Math.max(8, 2 * Simd.FLOATS);
    /** Bytes of a run: a 2-byte piece of each row of a group, as are its fp16 scales. */
    static final int RUN = 2 * GROUP;
    /** The file-layout kernel: rows past the last group, and the reference for the repacked ones. */
    final RowKernel plain;
    /** Rows of the matrix; those from {@code groupedRows} on keep the file layout. */
    final int rows;
    final int groupedRows;

    /** The repacked matrix, once {@link #repack} has run. */
    private byte[] packed;

    InterleavedKernel(RowKernel plain, int rows) {
        super(plain.type);
        this.plain = plain;
        this.rows = rows;
        this.groupedRows = rows / GROUP * GROUP;
    }

    /** Bytes of one group of {@code cols}-column rows in this layout: those of GROUP file rows. */
    final long groupBytes(int cols) {
        return GROUP * type.bytesFor(cols);
    }

    /** Where group {@code g} starts. */
    final long groupOffset(int g, int cols) {
        return g * groupBytes(cols);
    }

    /** Where row {@code r} starts if it is past the last group (file layout). */
    final long tailOffset(int r, int cols) {
        return groupOffset(groupedRows / GROUP, cols) + (r - groupedRows) * type.bytesFor(cols);
    }

    /** Bytes of the whole repacked matrix. */
    final long packedBytes(int cols) {
        return tailOffset(rows, cols);
    }

    /** Whether a {@code cols}-column matrix repacked fits one Java array. */
    final boolean fitsArray(int cols) {
        return packedBytes(cols) <= Integer.MAX_VALUE - 16;
    }

    /**
     * Copies the {@code rows x cols} matrix from the file layout in {@code src} into this kernel's own
     * array, group by group through two scratch arrays (plain array code: the copy runs once, mostly
     * before the JIT has compiled anything, and per-element segment accesses made it seconds for 1 GB
     * models). Throws OutOfMemoryError when the heap cannot hold it. False, and nothing kept, if the
     * layout does not {@link #accept} a group.
     */
    final boolean repack(MemorySegment src, int cols) {
        byte[] dst = new byte[Math.toIntExact(packedBytes(cols))];
        int rowBytes = Math.toIntExact(type.bytesFor(cols));
        byte[] from = new byte[GROUP * rowBytes];
        byte[] to = new byte[Math.toIntExact(groupBytes(cols))];
        for (int g = 0; g < groupedRows / GROUP; g++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) g * GROUP * rowBytes, from, 0, from.length);
            if (!accept(from)) {
                return false;
            }
            repackGroup(from, rowBytes, to, cols);
            System.arraycopy(to, 0, dst, (int) groupOffset(g, cols), to.length);
        }
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) groupedRows * rowBytes, dst, (int) tailOffset(groupedRows, cols),
                (rows - groupedRows) * rowBytes);
        packed = dst;
        return true;
    }

    /**
     * Whether this layout takes a group of rows (GROUP file rows in {@code rows}): by default, always. The
     * repacked mat-vecs convert their blocks' fp16 scales without the infinity/NaN case (three operations:
     * a twelfth of Q4_0's and Q8_0's work), so they refuse a group with such a scale
     * ({@link #blockHalvesFinite}); that matrix keeps the file layout, whose kernel gives the reference's
     * infinities and NaNs.
     */
    boolean accept(byte[] rows) {
        return true;
    }

    /** Whether the fp16 values at bytes {@code at} of each block of {@code blockBytes} in {@code rows} are finite. */
    static boolean blockHalvesFinite(byte[] rows, int blockBytes, int... at) {
        for (int block = 0; block < rows.length; block += blockBytes) {
            for (int a : at) {
                if ((LittleEndian.getShort(rows, block + a) & 0x7C00) == 0x7C00) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The repacked matrix as a segment, for the paths that read it by byte offset (tails, expansion). */
    final MemorySegment packedSegment() {
        return MemorySegment.ofArray(packed);
    }

    /** The repacked matrix, for {@link #dotGroups}. */
    final byte[] packed() {
        return packed;
    }

    /**
     * Row {@code r}'s share of {@code runs} runs of this layout: its 2-byte pieces from {@code from[src]}
     * on, piece m into bytes {@code 2r, 2r + 1} of the run m from {@code to[dst]}. A block's fp16
     * scales are one such run; its values, as many runs as the row has pieces.
     */
    static void interleaveRuns(byte[] from, int src, byte[] to, int dst, int r, int runs) {
        for (int m = 0; m < runs; m++) {
            to[dst + RUN * m + 2 * r] = from[src + 2 * m];
            to[dst + RUN * m + 2 * r + 1] = from[src + 2 * m + 1];
        }
    }

    /** One group: GROUP rows of {@code rowBytes} in the file layout in {@code from}, into this layout in {@code to}. */
    abstract void repackGroup(byte[] from, int rowBytes, byte[] to, int cols);

    /**
     * {@link #repackGroup} for blocks of 32 values that are an fp16 scale and then the quant bytes (Q4_0,
     * Q8_0): per block, the rows' scales as one run, then the quants' runs.
     */
    static void repackScaledBlocks(byte[] from, int rowBytes, byte[] to, int cols, int blockBytes) {
        int groupBlock = GROUP * blockBytes;
        for (int b = 0; b < cols >> 5; b++) {
            int at = b * groupBlock;
            for (int r = 0; r < GROUP; r++) {
                int row = r * rowBytes + b * blockBytes;
                interleaveRuns(from, row, to, at, r, 1);
                interleaveRuns(from, row + 2, to, at + RUN, r, (blockBytes - 2) / 2);
            }
        }
    }

    /**
     * Derives what {@link #dotGroups} needs from an encoding beyond its quants, once per encoding, on the
     * calling thread before the mat-vec's parts run on the pool (Q4_0's nibble pairs, Q4_K's run pairs, Q6_K's
     * six-bit vectors): by default nothing.
     */
    void prepare(Activations a) {
    }

    /**
     * Dots of {@code groups} consecutive groups of rows from byte {@code offset} (a group's start) of the
     * repacked matrix {@code w} with activation row {@code t}, into {@code out[at, at + GROUP * groups)}.
     * A call covers a pool part's groups: one virtual call per part, not per group (+3%).
     */
    abstract void dotGroups(byte[] w, int offset, int groups, Activations a, int t, float[] out, int at);

    /**
     * {@link #dotGroups} for activation rows {@code [0, n)}, row t into {@code out[t * stride + at, ...)}:
     * by default one row after the other, each reading the groups again (from cache after the first).
     */
    void dotGroupsRows(byte[] w, int offset, int groups, Activations a, int n, float[] out, int at, int stride) {
        for (int t = 0; t < n; t++) {
            dotGroups(w, offset, groups, a, t, out, t * stride + at);
        }
    }

    /** Whether batches of activation rows run through {@link #dotGroupsRows} rather than the float mat-mat. */
    boolean batchesRows() {
        return false;
    }

    /** Rows past the last group, at {@link #tailOffset}. */
    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        return plain.dot(w, offset, a, t, s);
    }

    /**
     * Row {@code offset / rowBytes} as floats (the offsets of the file layout): past the last group by the
     * plain kernel (at {@link #tailOffset}); in a group, its column of each block's column-major panel
     * ({@link #expandColumns}, the whole group's block: single rows are not a hot path).
     */
    @Override
    final void dequantize(MemorySegment w, long offset, int cols, float[] dst, int at, Scratch s) {
        long r = offset / type.bytesFor(cols);
        if (r >= groupedRows) {
            plain.dequantize(w, tailOffset((int) r, cols), cols, dst, at, s);
            return;
        }
        int g = (int) (r / GROUP);
        int row = (int) (r % GROUP);
        int blockSize = type.blockSize;
        float[] panel = s.tile(GROUP * blockSize);
        for (int b = 0; b < cols / blockSize; b++) {
            expandColumns(packed, g, cols, b, b + 1, panel, 0, s);
            for (int k = 0; k < blockSize; k++) {
                dst[at + b * blockSize + k] = panel[k * GROUP + row];
            }
        }
    }

    /**
     * Blocks {@code [fromBlock, toBlock)} of group {@code g} as floats, column-major: column k (counted
     * from the first block's) of row r at {@code dst[at + k * GROUP + r]}. A run's lane {@code 2r + e}
     * holds row r's value of one column when e is 0 and of the next when e is 1, so its 16-bit lanes,
     * seen as 32-bit ones, give both columns' rows with two shifts and no transposition (a row-major panel,
     * which gathered each row's values out of the runs first, took 2-3x the time). Must give exactly the
     * reference dequantizer's floats.
     */
    abstract void expandColumns(byte[] w, int g, int cols, int fromBlock, int toBlock, float[] dst, int at, Scratch s);

    /** The fp16 values of a run at {@code w[p]} (one per row of a group, scales) as floats into {@code dst[0, GROUP)}. */
    static void runHalves(byte[] w, int p, float[] dst) {
        for (int r = 0; r < GROUP; r++) {
            dst[r] = Float.float16ToFloat(LittleEndian.getShort(w, p + 2 * r));
        }
    }
}
