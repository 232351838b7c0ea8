package io.wasmchord.host.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every kernel is written against, fixed when this class loads: the machine's preferred
 * width (128 to 512 bits), or {@code -Dchord.vector.bits=128|256|512}. The kernels are written once in
 * terms of these species; constants let the JIT unroll each kernel for the width in use. Code whose
 * unit of work is 16 values takes {@link Simd16}'s species, capped at 256 bits.
 *
 * <p>Quantized dot products run on 16-bit lanes: int8 quants are widened to shorts, multiplied (every
 * product fits: |w| &lt;= 128, |a| &lt;= 127), two products are added per lane, and pairs of lanes are
 * summed into 32-bit lanes, the job x86's pmaddubsw/pmaddwd do in llama.cpp.
 *
 * <p>Kernels spell their vector expressions out instead of calling helpers that take or return vectors:
 * C2 often refuses to inline such a helper once it was compiled on its own ("already compiled into a big
 * method"), and every vector crossing the call is then boxed: a kernel ran 10x slower depending on
 * which other formats had run first. Helpers here work on arrays or scalars only.
 *
 * <p>A vector carried around a loop is only ever an argument inside that loop, never the receiver:
 * {@code sum = x.add(sum)}, not {@code sum = sum.add(x)}. C2 parses a loop before it knows what the
 * back edge brings, so the loop's phi has the declared type (ShortVector, not Short256Vector); a call on
 * it can then only be inlined through the receiver profile of the JDK method it lands in (ShortVector.add
 * calling lanewise, say), a profile shared by every caller and every vector class in the process. When
 * that profile is mixed (Byte256, Short256, Short128... from the other kernels) C2 leaves the call
 * virtual, the loop's vectors are boxed, and that process ran the kernel 5-13x slower for good (the
 * intermittent 14-20 MB of garbage per token). As an argument the carried vector gets its exact class
 * from the receiver's own species check. After the loop the phi is still of the declared type while C2
 * parses, and a mixed profile there makes C2 give up at once (it never retries once the types are
 * known), so a call on a loop's vector after the loop goes through {@link #S_VECTOR}{@code .cast} (or
 * {@link #F_VECTOR}), a checkcast to the final class, and conversions name their species
 * ({@code convertShape(I2F, F, 0)}, not {@code convert(I2F, 0)}, whose species is looked up through
 * shared profiles). Likewise every value whose class C2 would have to derive from a species lookup while
 * parsing: a reinterpretation names its species ({@code reinterpretShape(I, 0)}, not
 * {@code reinterpretAsInts()}) and its result, like a conversion's, goes through the cast
 * ({@link #I_VECTOR}{@code .cast(...)}), and a loop-carried vector is cast at its uses inside the loop
 * too. {@code -XX:TypeProfileWidth=0} turns receiver profiles off: the kernels keep full speed there
 * (UnprofiledKernelsTest; docs/PERFORMANCE.md, "The intermittent boxing compile"). The repacked
 * mat-vecs' fp16 scale conversions are three operations on finite scales (InterleavedKernel.accept):
 * the longer exact conversion, with its masks and blend, was where the remaining boxed runs of session 5
 * allocated.
 */
final class Simd {
    static final int BITS = chooseBits();
    static final VectorShape SHAPE = VectorShape.forBitSize(BITS);
    static final VectorShape HALF_SHAPE = VectorShape.forBitSize(BITS / 2);
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, SHAPE);
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, SHAPE);
    static final VectorSpecies<Float> F = VectorSpecies.of(float.class, SHAPE);
    /** Bytes of a full vector. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, SHAPE);
    /** Bytes that widen to one full short vector. */
    static final VectorSpecies<Byte> B_HALF = VectorSpecies.of(byte.class, HALF_SHAPE);
    /** Bytes that widen to one full int vector (8 at 128 bits, the narrowest shape: the first 4 widen). */
    static final VectorSpecies<Byte> B_QUARTER = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, BITS / 4)));
    /** Shorts that widen to one full int or float vector. */
    static final VectorSpecies<Short> S_HALF = VectorSpecies.of(short.class, HALF_SHAPE);
    /** The ints a half vector of shorts reinterprets as. */
    static final VectorSpecies<Integer> I_HALF = VectorSpecies.of(int.class, HALF_SHAPE);
    /** Lanes of a short vector: quants handled per step. */
    static final int SHORTS = S.length();
    /** Lanes of a float vector. */
    static final int FLOATS = F.length();
    /**
     * The classes of full vectors of these species. {@code S_VECTOR.cast(v)} tells C2 the exact class of a
     * vector where it cannot see it while parsing (a loop's phi), so a call on it never waits on a shared
     * receiver profile (see the class comment).
     */
    static final Class<? extends ShortVector> S_VECTOR = ShortVector.zero(S).getClass();
    static final Class<? extends ShortVector> S_HALF_VECTOR = ShortVector.zero(S_HALF).getClass();
    static final Class<? extends IntVector> I_VECTOR = IntVector.zero(I).getClass();
    static final Class<? extends IntVector> I_HALF_VECTOR = IntVector.zero(I_HALF).getClass();
    static final Class<? extends FloatVector> F_VECTOR = FloatVector.zero(F).getClass();

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /** 16 bytes: the nibble-table formats (IQ4_NL, IQ4_XS) look values up with one byte shuffle at any width. */
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** IQ4_NL's and IQ4_XS's sixteen values, as ggml's kvalues_iq4nl. */
    static final byte[] IQ4_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** Lane i holds bit i: with a broadcast word, picks each lane's bit of a packed bit field (Q5 high bits). */
    static final short[] LANE_BITS = new short[16];

    static {
        for (int i = 0; i < 16; i++) {
            LANE_BITS[i] = (short) (1 << i);
        }
    }

    private Simd() {
    }

    private static int chooseBits() {
        String forced = System.getProperty("chord.vector.bits");
        if (forced != null) {
            int bits = Integer.parseInt(forced);
            if (bits != 128 && bits != 256 && bits != 512) {
                throw new IllegalArgumentException("chord.vector.bits must be 128, 256 or 512, got " + forced);
            }
            return bits;
        }
        return Math.min(512, Math.max(128, FloatVector.SPECIES_PREFERRED.vectorBitSize()));
    }

    /**
     * The largest magnitude among {@code count} floats (a multiple of FLOATS) of {@code x} from {@code from},
     * found as the largest bit pattern of the magnitudes: for floats of one sign the two orders agree, and
     * an integer max is one instruction where a float max, with Java's rules for NaN and -0, is several
     * (the float reduction was a third of a Q8_0 encoding's time). A NaN among them comes out as NaN.
     */
    static float largestMagnitude(float[] x, int from, int count) {
        IntVector largest = IntVector.zero(I);
        for (int j = 0; j < count; j += FLOATS) {
            largest = I_VECTOR.cast(FloatVector.fromArray(F, x, from + j).reinterpretShape(I, 0)).and(0x7FFFFFFF).max(largest);
        }
        return Float.intBitsToFloat(I_VECTOR.cast(largest).reduceLanes(VectorOperators.MAX));
    }

    /**
     * Rounds {@code n} floats of {@code a} from {@code offset} (a multiple of FLOATS) to the nearest fp16
     * value, ties to even, kept as floats: what storing to fp16 and loading back gives. Normal halves round
     * the float mantissa to 10 bits; below 2^-14 the step is 2^-24, which adding and removing 0.5 gives;
     * beyond 65504 the result is infinite; NaNs stay NaN.
     *
     * <p>Like every helper here, it takes and returns arrays, never vectors: a vector passed through a
     * call the JIT declines to inline is boxed, which costs ten times the arithmetic (see the kernels).
     */
    static void roundToHalf(float[] a, int offset, int n) {
        for (int i = offset; i < offset + n; i += FLOATS) {
            FloatVector x = FloatVector.fromArray(F, a, i);
            IntVector bits = x.reinterpretAsInts();
            IntVector normal = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1)).add(0x0FFF).and(0xFFFFE000);
            FloatVector abs = x.abs();
            FloatVector tiny = abs.add(0.5f).sub(0.5f);
            IntVector sign = bits.and(0x80000000);
            IntVector rounded = normal.blend(tiny.reinterpretAsInts().or(sign), abs.compare(VectorOperators.LT, 0x1p-14f).cast(I));
            FloatVector r = rounded.reinterpretAsFloats();
            IntVector infinity = sign.or(0x7F800000);
            r.blend(infinity.reinterpretAsFloats(), r.abs().compare(VectorOperators.GT, 65504f))
                    .blend(x, x.test(VectorOperators.IS_NAN)).intoArray(a, i);
        }
    }

    /** {@code n} fp16 values (a multiple of FLOATS) of {@code src} from {@code i}, exactly converted into {@code dst}. */
    static void halvesToFloats(short[] src, int i, float[] dst, int at, int n) {
        for (int k = 0; k < n; k += FLOATS) {
            IntVector h = (IntVector) ShortVector.fromArray(S_HALF, src, i + k).convertShape(VectorOperators.S2I, I, 0);
            // Rebiasing by a multiply keeps subnormal halves exact; infinities and NaNs take the all-ones exponent.
            IntVector magnitude = h.and(0x7FFF);
            IntVector bits = magnitude.lanewise(VectorOperators.LSHL, 13);
            IntVector f = bits.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            f.blend(bits.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00))
                    .or(h.and(0x80000000)).reinterpretAsFloats().intoArray(dst, at + k);
        }
    }

    /**
     * Q4_K's and Q5_K's eight 6-bit sub-block scales, unpacked from the words u0 and u2 of a block's 12
     * scale bytes as ggml does: byte j of the result is sub-block j's scale.
     */
    static long kScales(int u0, int u2) {
        return (u0 & 0x3F3F3F3FL) | (long) ((u2 & 0x0F0F0F0F) | (((u0 >>> 6) & 0x03030303) << 4)) << 32;
    }

    /** The eight 6-bit sub-block minimums beside those scales (words u1 and u2): byte j is sub-block j's. */
    static long kMins(int u1, int u2) {
        return (u1 & 0x3F3F3F3FL) | (long) (((u2 >>> 4) & 0x0F0F0F0F) | (((u1 >>> 6) & 0x03030303) << 4)) << 32;
    }

    /** Minimums times the activations' sums of 32 (sums[si..si+8)), once per block. */
    static int kMinSum(long mins, int[] sums, int si) {
        int s = 0;
        for (int j = 0; j < 8; j++) {
            s += (int) ((mins >>> (8 * j)) & 0xFF) * sums[si + j];
        }
        return s;
    }

    /** {@code n} fp16 values (a multiple of FLOATS) of {@code m} from byte {@code offset}, exactly converted. */
    static void halvesToFloats(MemorySegment m, long offset, float[] dst, int at, int n) {
        for (int k = 0; k < n; k += FLOATS) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S_HALF, m, offset + 2L * k, LE)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector magnitude = h.and(0x7FFF);
            IntVector bits = magnitude.lanewise(VectorOperators.LSHL, 13);
            IntVector f = bits.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            f.blend(bits.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00))
                    .or(h.and(0x80000000)).reinterpretAsFloats().intoArray(dst, at + k);
        }
    }

    static float half(MemorySegment m, long offset) {
        return Float.float16ToFloat(m.get(HALF, offset));
    }
}
