package io.wasmchord.host.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Off-heap memory for repacked weights, handed out as slices of large slabs aligned to 2 MiB. Decoding
 * streams every weight once per token; in 4 KiB pages that is a TLB miss per page (17,000 per
 * stories110M token). A slab is one large allocation that the C library can back with transparent huge
 * pages (the launcher sets {@code GLIBC_TUNABLES=glibc.malloc.hugetlb=1}, which has glibc advise the
 * kernel before first touch), where one allocation per matrix (0.3-20 MiB) mostly could not. Slices keep
 * their slab alive; a slab is freed by the GC once no slice is reachable.
 */
final class WeightSlabs {
    private static final long HUGE_PAGE = 2L << 20;
    private static final long SLAB = 16L << 20;

    private MemorySegment slab = MemorySegment.NULL;
    private long used;

    /** {@code bytes} of zeroed memory aligned to 64 bytes. */
    synchronized MemorySegment allocate(long bytes) {
        long size = (bytes + 63) & ~63L;
        if (used + size > slab.byteSize()) {
            long slabSize = Math.max(SLAB, (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE);
            slab = Arena.ofAuto().allocate(slabSize, HUGE_PAGE);
            used = 0;
        }
        MemorySegment slice = slab.asSlice(used, bytes);
        used += size;
        return slice;
    }
}
