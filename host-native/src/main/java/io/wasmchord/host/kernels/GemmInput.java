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
 * block scales, in one pass per block and spread over the pool by rows. Bit-identical to
 * {@link Activations#asFloats} after {@link Activations#encode}, without the bytes in between.
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

    /** Encodes rows {@code [0, n)} of {@code x} (cols apart, cols a multiple of the block and of the lanes). */
    float[] encode(GgmlType type, float[] x, int cols, int n, WorkerPool pool) {
        if (type == GgmlType.F32) {
            return x;
        }
        this.type = type;
        this.x = x;
        this.cols = cols;
        this.n = n;
        if (values.length < n * cols) {
            values = new float[n * cols];
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
        switch (type) {
            case Q8_0 -> {
                for (int at = from * c; at < to * c; at += 32) {
                    q8_0(in, out, at);
                }
            }
            case Q8_K -> {
                for (int at = from * c; at < to * c; at += 256) {
                    q8_K(in, out, at);
                }
            }
            case F16 -> {
                for (int i = from * c; i < to * c; i++) {
                    out[i] = Float.float16ToFloat(Float.floatToFloat16(in[i]));
                }
            }
            case BF16 -> {
                for (int i = from * c; i < to * c; i++) {
                    out[i] = Half.bf16ToFloat(Half.floatToBf16(in[i]));
                }
            }
            default -> throw new IllegalStateException("no batch encoding for " + type.displayName);
        }
    }

    /** One Q8_0 block of 32: q = clamp(halfEven(x * 127/amax)), value = q * fp16(amax / 127). */
    private static void q8_0(float[] in, float[] out, int at) {
        FloatVector amaxv = FloatVector.zero(F);
        for (int j = 0; j < 32; j += FLOATS) {
            amaxv = amaxv.max(FloatVector.fromArray(F, in, at + j).abs());
        }
        float amax = amaxv.reduceLanes(VectorOperators.MAX);
        float d = Half.toFloat(Half.fromFloat(amax / 127f));
        float inverse = amax != 0f ? 127f / amax : 0f;
        for (int j = 0; j < 32; j += FLOATS) {
            FloatVector q = FloatVector.fromArray(F, in, at + j).mul(inverse).add(MAGIC).sub(MAGIC);
            q.max(-128f).min(127f).mul(d).intoArray(out, at + j);
        }
    }

    /**
     * One Q8_K block of 256: x is the first value of the largest magnitude, q = min(127, halfEven(x * -127/x)),
     * value = (1 / (-127/x)) * q.
     */
    private static void q8_K(float[] in, float[] out, int at) {
        FloatVector amaxv = FloatVector.zero(F);
        for (int j = 0; j < 256; j += FLOATS) {
            amaxv = amaxv.max(FloatVector.fromArray(F, in, at + j).abs());
        }
        float amax = amaxv.reduceLanes(VectorOperators.MAX);
        if (amax == 0f) {
            java.util.Arrays.fill(out, at, at + 256, 0f);
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
            q.min(127f).mul(d).intoArray(out, at + j);
        }
    }
}
