package io.wasmchord.host.kernels;

import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd}'s species capped at 256 bits: at most 16 short lanes. For the code whose unit of work is a
 * run of 16 values (a Q4_0 block's 16 bytes of nibbles, Q6_K's and Q2_K's 16 values per scale, IQ4's
 * 16-byte lookups) or 8 bytes of a repacked row (the interleaved kernels' expansion): a 512-bit vector
 * would straddle two runs. These are the file-layout kernels (rows past the last repacked group, formats
 * without a repacked layout) and the mat-mat's expansion into floats; the decode hot paths (the
 * repacked mat-vecs, Q4_K and Q5_K in the file layout) take the full width. At 128 and 256 bits these
 * are {@link Simd}'s own species, so those builds run the same code as before.
 */
final class Simd16 {
    static final int BITS = Math.min(Simd.BITS, 256);
    private static final VectorShape SHAPE = VectorShape.forBitSize(BITS);
    private static final VectorShape HALF_SHAPE = VectorShape.forBitSize(BITS / 2);
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, SHAPE);
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, SHAPE);
    static final VectorSpecies<Float> F = VectorSpecies.of(float.class, SHAPE);
    /** Bytes that widen to one short vector. */
    static final VectorSpecies<Byte> B_HALF = VectorSpecies.of(byte.class, HALF_SHAPE);
    /** Lanes of a short vector: 8 or 16. */
    static final int SHORTS = S.length();
    /** Lanes of a float vector: 4 or 8. */
    static final int FLOATS = F.length();
    /** Short vectors one 16-byte lookup widens into. */
    static final int PARTS_OF_16 = 16 / SHORTS;

    private Simd16() {
    }
}
