package io.wasmchord.host.kernels;

import java.lang.foreign.MemorySegment;

/** One weight format's dot product of a weight row, read in place, with one encoded activation row. */
abstract class RowKernel {

    /** Dot of the row at byte {@code offset} of {@code w} ({@code a.cols} values) with activation row {@code t}. */
    abstract float dot(MemorySegment w, long offset, Activations a, int t);
}
