package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;

import io.wasmchord.quant.GgmlType;
import io.wasmchord.quant.Half;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The activations of a prompt batch as the float mat-mat multiplies them: quantized to the weights'
 * vec-dot type exactly as the reference quantizers do (Q8_0: scale 127/amax, half to even, fp16 scale;
 * Q8_K: scale -127/x of the largest magnitude, half to even, float scale), then multiplied back by their
 * block scales, spread over the pool by blocks of tokens. The values are bit-identical
 * to {@link Activations#asFloats} after {@link Activations#encode}, without the bytes in between; they
 * are laid out for {@link GemmJob}, whose vectors run along tokens: tokens in blocks of {@link #WIDE}
 * (two vectors' lanes), and within a block, column by column, the block's values of that column side by
 * side ({@link #packedIndex}). A last block of at most {@link #NARROW} tokens is one vector wide, so a
 * short batch computes at most a vector's worth of padding; tokens past the last that fill up its block
 * are zeros.
 *
 * <p>Each part takes one block of tokens, a quantization block of columns at a time: it quantizes the
 * tokens' values into a small staging buffer (the quantizers are vector code along a row) and moves them
 * into the packed block with scalar moves, whose reads and writes both stay within a few cache lines
 * (packing whole rows at once, the reads or the writes strode over a block larger than L1, at 4 cycles
 * per value).
 */
final class GemmInput implements WorkerPool.Job {
    /** Round half to even by adding and removing 1.5 * 2^23 (valid below 2^22, as ggml's nearest_int). */
    private static final float MAGIC = 12582912f;
    /** Tokens per block: two float vectors' lanes... */
    static final int WIDE = 2 * FLOATS;
    /** ...or one, for a last block that needs no more. */
    static final int NARROW = FLOATS;

    private GgmlType type;
    private float[] x;
    private int cols;
    private int n;
    private float[] values = new float[0];
    /** Per worker: one step of columns of a block's tokens, quantized, before packing. */
    private float[][] staging = new float[0][];

    /** Whether the batch path can encode for weights whose vec-dot type is {@code type}. */
    static boolean supports(GgmlType type) {
        return type == GgmlType.Q8_0 || type == GgmlType.Q8_K || type == GgmlType.F32 || type == GgmlType.F16
                || type == GgmlType.BF16;
    }

    /** Tokens the block starting at token {@code t0} (a multiple of WIDE) of a batch of {@code n} holds. */
    static int blockWidth(int t0, int n) {
        return n - t0 > NARROW ? WIDE : NARROW;
    }

    /** Where value {@code k} of token {@code t} (of {@code n}) lies in the packed blocks. */
    static int packedIndex(int t, int k, int cols, int n) {
        int t0 = t / WIDE * WIDE;
        return t0 * cols + k * blockWidth(t0, n) + t - t0;
    }

    /** Tokens the packed blocks hold for {@code n}: n rounded up to whole blocks. */
    static int paddedTokens(int n) {
        int last = (n - 1) / WIDE * WIDE;
        return last + blockWidth(last, n);
    }

    /** Encodes rows {@code [0, n)} of {@code x} (cols apart, cols a multiple of the block and of the lanes). */
    float[] encode(GgmlType type, float[] x, int cols, int n, WorkerPool pool) {
        this.type = type;
        this.x = x;
        this.cols = cols;
        this.n = n;
        int size = paddedTokens(n) * cols;
        if (values.length < size) {
            values = new float[size];
        }
        if (staging.length < pool.threads()) {
            staging = new float[pool.threads()][WIDE * 256];
        }
        pool.run(this, (n + WIDE - 1) / WIDE);
        this.x = null;
        return values;
    }

    @Override
    public void run(int part, int worker) {
        int from = part * WIDE;
        int width = blockWidth(from, n);
        int real = Math.min(n, from + width) - from;
        int c = cols;
        int step = step(type);
        float[] in = x;
        float[] mid = staging[worker];
        float[] out = values;
        int block = from * c; // packedIndex(from, 0, c, n)
        for (int k0 = 0; k0 < c; k0 += step) {
            for (int j = 0; j < width; j++) {
                int at = (from + j) * c + k0;
                int to = j * step;
                if (j >= real) { // padding tokens: zeros, so that the packing below is one loop of fixed width
                    java.util.Arrays.fill(mid, to, to + step, 0f);
                    continue;
                }
                switch (type) {
                    case Q8_0 -> q8_0(in, at, mid, to);
                    case Q8_K -> q8_K(in, at, mid, to);
                    case F32 -> System.arraycopy(in, at, mid, to, step);
                    case F16 -> {
                        for (int k = 0; k < step; k++) {
                            mid[to + k] = Float.float16ToFloat(Float.floatToFloat16(in[at + k]));
                        }
                    }
                    case BF16 -> {
                        for (int k = 0; k < step; k++) {
                            mid[to + k] = Half.bf16ToFloat(Half.floatToBf16(in[at + k]));
                        }
                    }
                    default -> throw new IllegalStateException("no batch encoding for " + type.displayName);
                }
            }
            // Column by column, the block's tokens side by side: each write fills the line the last one began.
            for (int k = 0; k < step; k++) {
                int at = block + (k0 + k) * width;
                for (int j = 0; j < width; j++) {
                    out[at + j] = mid[j * step + k];
                }
            }
        }
    }

    /** Columns encoded per step: one quantization block, or a vector of the unquantized types. */
    private static int step(GgmlType type) {
        return switch (type) {
            case Q8_0 -> 32;
            case Q8_K -> 256;
            default -> FLOATS;
        };
    }

    /**
     * One Q8_0 block of 32 from {@code in[at]}: q = clamp(halfEven(x * 127/amax)), value = q * fp16(amax / 127),
     * into {@code out[to, to + 32)}.
     */
    private static void q8_0(float[] in, int at, float[] out, int to) {
        float amax = Simd.largestMagnitude(in, at, 32);
        float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f)); // as Half's, through F16C
        float inverse = amax != 0f ? 127f / amax : 0f;
        for (int j = 0; j < 32; j += FLOATS) {
            FloatVector q = FloatVector.fromArray(F, in, at + j).mul(inverse).add(MAGIC).sub(MAGIC);
            q.max(-128f).min(127f).mul(d).intoArray(out, to + j);
        }
    }

    /**
     * One Q8_K block of 256 (stored as Q8_0's, into {@code out[to, to + 256)}): x is the first value of the largest magnitude, q = min(127, halfEven(x * -127/x)),
     * value = (1 / (-127/x)) * q.
     */
    private static void q8_K(float[] in, int at, float[] out, int to) {
        float amax = Simd.largestMagnitude(in, at, 256);
        if (amax == 0f) {
            for (int j = 0; j < 256; j += FLOATS) {
                FloatVector.zero(F).intoArray(out, to + j);
            }
            return;
        }
        float max = 0f;
        for (int j = 0; j < 256; j++) {
            if (Math.abs(in[at + j]) == amax) {
                max = in[at + j];
                break;
            }
        }
        float iscale = -127f / max;
        float d = 1 / iscale;
        for (int j = 0; j < 256; j += FLOATS) {
            FloatVector q = FloatVector.fromArray(F, in, at + j).mul(iscale).add(MAGIC).sub(MAGIC);
            q.min(127f).mul(d).intoArray(out, to + j);
        }
    }
}
