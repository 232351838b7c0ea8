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
 * block scales, in one pass per block and spread over the pool by rows. The values are bit-identical
 * to {@link Activations#asFloats} after {@link Activations#encode}, without the bytes in between; they
 * are laid out for {@link GemmJob}: tokens in pairs, and within a pair, each group of {@code FLOATS}
 * columns of the first token followed by the same columns of the second ({@link #packedIndex}). An odd
 * last token is paired with zeros.
 */
final class GemmInput implements WorkerPool.Job {
    /** Round half to even by adding and removing 1.5 * 2^23 (valid below 2^22, as ggml's nearest_int). */
    private static final float MAGIC = 12582912f;
    private static final int ROWS_PER_PART = 8;

    private GgmlType type;
    private float[] x;
    private int cols;
    private int n;
    private float[] values = new float[0];

    /** Whether the batch path can encode for weights whose vec-dot type is {@code type}. */
    static boolean supports(GgmlType type) {
        return type == GgmlType.Q8_0 || type == GgmlType.Q8_K || type == GgmlType.F32 || type == GgmlType.F16
                || type == GgmlType.BF16;
    }

    /** Where value {@code k} of token {@code t} lies in the packed rows. */
    static int packedIndex(int t, int k, int cols) {
        return (t & ~1) * cols + 2 * (k - k % FLOATS) + (t & 1) * FLOATS + k % FLOATS;
    }

    /** Encodes rows {@code [0, n)} of {@code x} (cols apart, cols a multiple of the block and of the lanes). */
    float[] encode(GgmlType type, float[] x, int cols, int n, WorkerPool pool) {
        this.type = type;
        this.x = x;
        this.cols = cols;
        this.n = n;
        int size = (n + 1) / 2 * 2 * cols;
        if (values.length < size) {
            values = new float[size];
        }
        pool.run(this, (n + ROWS_PER_PART - 1) / ROWS_PER_PART);
        this.x = null;
        return values;
    }

    @Override
    public void run(int part, int worker) {
        int from = part * ROWS_PER_PART;
        int to = Math.min(n, from + ROWS_PER_PART);
        int c = cols;
        float[] in = x;
        float[] out = values;
        for (int t = from; t < to; t++) {
            int at = t * c;
            // Consecutive groups of FLOATS columns of one token lie 2 * FLOATS apart.
            int packed = packedIndex(t, 0, c);
            switch (type) {
                case Q8_0 -> {
                    for (int k = 0; k < c; k += 32) {
                        q8_0(in, at + k, out, packed + 2 * k);
                    }
                }
                case Q8_K -> {
                    for (int k = 0; k < c; k += 256) {
                        q8_K(in, at + k, out, packed + 2 * k);
                    }
                }
                case F32 -> {
                    for (int k = 0; k < c; k += FLOATS) {
                        FloatVector.fromArray(F, in, at + k).intoArray(out, packed + 2 * k);
                    }
                }
                case F16 -> {
                    for (int k0 = 0; k0 < c; k0 += FLOATS) {
                        for (int k = k0; k < k0 + FLOATS; k++) {
                            out[packed + k0 + k] = Float.float16ToFloat(Float.floatToFloat16(in[at + k]));
                        }
                    }
                }
                case BF16 -> {
                    for (int k0 = 0; k0 < c; k0 += FLOATS) {
                        for (int k = k0; k < k0 + FLOATS; k++) {
                            out[packed + k0 + k] = Half.bf16ToFloat(Half.floatToBf16(in[at + k]));
                        }
                    }
                }
                default -> throw new IllegalStateException("no batch encoding for " + type.displayName);
            }
            if (t == n - 1 && (t & 1) == 0) { // the odd last token's partner
                for (int k = 0; k < c; k += FLOATS) {
                    FloatVector.zero(F).intoArray(out, packed + 2 * k + FLOATS);
                }
            }
        }
    }

    /**
     * One Q8_0 block of 32 from {@code in[at]}: q = clamp(halfEven(x * 127/amax)), value = q * fp16(amax / 127),
     * stored a group of FLOATS values at a time, 2 * FLOATS apart from {@code out[to]}.
     */
    private static void q8_0(float[] in, int at, float[] out, int to) {
        FloatVector amaxv = FloatVector.zero(F);
        for (int j = 0; j < 32; j += FLOATS) {
            amaxv = amaxv.max(FloatVector.fromArray(F, in, at + j).abs());
        }
        float amax = amaxv.reduceLanes(VectorOperators.MAX);
        float d = Half.toFloat(Half.fromFloat(amax / 127f));
        float inverse = amax != 0f ? 127f / amax : 0f;
        for (int j = 0; j < 32; j += FLOATS) {
            FloatVector q = FloatVector.fromArray(F, in, at + j).mul(inverse).add(MAGIC).sub(MAGIC);
            q.max(-128f).min(127f).mul(d).intoArray(out, to + 2 * j);
        }
    }

    /**
     * One Q8_K block of 256 (stored as Q8_0's): x is the first value of the largest magnitude, q = min(127, halfEven(x * -127/x)),
     * value = (1 / (-127/x)) * q.
     */
    private static void q8_K(float[] in, int at, float[] out, int to) {
        FloatVector amaxv = FloatVector.zero(F);
        for (int j = 0; j < 256; j += FLOATS) {
            amaxv = amaxv.max(FloatVector.fromArray(F, in, at + j).abs());
        }
        float amax = amaxv.reduceLanes(VectorOperators.MAX);
        if (amax == 0f) {
            for (int j = 0; j < 256; j += FLOATS) {
                FloatVector.zero(F).intoArray(out, to + 2 * j);
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
            q.min(127f).mul(d).intoArray(out, to + 2 * j);
        }
    }
}
