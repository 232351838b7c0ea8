package io.wasmchord.host.kernels;

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
 * <p>Group {@code g} holds rows {@code [8g, 8g + 8)} in {@link #groupBytes} bytes (8 file rows' worth
 * unless the format widens its values), and rows past the last whole group follow in the file layout
 * (the plain kernel reads them). The mat-mat asks for rows at the file layout's offsets
 * ({@code r * rowBytes}); {@link #dequantize} maps them.
 */
abstract class InterleavedKernel extends RowKernel {
    static final int GROUP = 8;
    /** The file-layout kernel: rows past the last group, and the reference for the repacked ones. */
    final RowKernel plain;
    /** Rows of the matrix; those from {@code groupedRows} on keep the file layout. */
    final int rows;
    final int groupedRows;

    InterleavedKernel(RowKernel plain, int rows) {
        super(plain.type);
        this.plain = plain;
        this.rows = rows;
        this.groupedRows = rows / GROUP * GROUP;
    }

    /** Bytes of one group of {@code cols}-column rows in this layout: by default those of 8 file rows. */
    long groupBytes(int cols) {
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

    /**
     * Copies the {@code rows x cols} matrix from the file layout in {@code src} to this layout in
     * {@code dst}, group by group through two arrays (plain array code: the copy runs once, mostly before
     * the JIT has compiled anything, and per-element segment accesses made it seconds for 1 GB models).
     */
    final void repack(MemorySegment src, MemorySegment dst, int cols) {
        long rowBytes = type.bytesFor(cols);
        byte[] from = new byte[Math.toIntExact(GROUP * rowBytes)];
        byte[] to = new byte[Math.toIntExact(groupBytes(cols))];
        for (int g = 0; g < groupedRows / GROUP; g++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, g * GROUP * rowBytes, from, 0, from.length);
            repackGroup(from, (int) rowBytes, to, cols);
            MemorySegment.copy(to, 0, dst, ValueLayout.JAVA_BYTE, groupOffset(g, cols), to.length);
        }
        MemorySegment.copy(src, groupedRows * rowBytes, dst, tailOffset(groupedRows, cols), (rows - groupedRows) * rowBytes);
    }

    /** One group: 8 rows of {@code rowBytes} in the file layout in {@code from}, into this layout in {@code to}. */
    abstract void repackGroup(byte[] from, int rowBytes, byte[] to, int cols);

    /**
     * Dots of the group of rows at byte {@code offset} (a group's start) with activation row {@code t},
     * into {@code out[at, at + GROUP)}.
     */
    abstract void dotGroup(MemorySegment w, long offset, Activations a, int t, float[] out, int at);

    /** Rows past the last group, at {@link #tailOffset}. */
    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        return plain.dot(w, offset, a, t, s);
    }

    /**
     * Row {@code offset / rowBytes} as floats, for the mat-mat (which asks row by row, at the offsets of
     * the file layout): read from its group in place, or by the plain kernel past the last group (at
     * {@link #tailOffset}).
     */
    @Override
    abstract void dequantize(MemorySegment w, long offset, int cols, float[] dst, int at, Scratch s);

    /**
     * One row's four 2-byte pieces of four consecutive 16-byte runs from byte {@code p}, as one
     * little-endian long: 8 bytes of the row in the file's order, for expanding it in place.
     */
    static long piecesOf(MemorySegment w, long p) {
        return (w.get(Simd.HALF, p) & 0xFFFFL) | (w.get(Simd.HALF, p + 16) & 0xFFFFL) << 16
                | (w.get(Simd.HALF, p + 32) & 0xFFFFL) << 32 | (long) w.get(Simd.HALF, p + 48) << 48;
    }
}
