package io.wasmchord.wasm;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import io.wasmchord.quant.Half;

/**
 * engine-common's {@link FlashAttention} with the same numerics, bit for bit, made cheaper where Wasm
 * pays for branches: fp16 values become floats through a table of all 65536, and rounding a float to
 * fp16 precision takes one masked add when the value is a normal fp16 (the exact Half path otherwise).
 */
final class TableFlashAttention {
    private static final float[] HALF_TO_FLOAT = buildHalfTable();

    private TableFlashAttention() {
    }

    /** The float of every fp16 bit pattern. */
    static float[] halfTable() {
        return HALF_TO_FLOAT;
    }

    private static float[] buildHalfTable() {
        float[] t = new float[1 << 16];
        for (int h = 0; h < t.length; h++) {
            t[h] = Half.toFloat(h);
        }
        return t;
    }

    /** As FlashAttention.compute; {@code scratch} holds at least {@code 2 * headDim} floats. */
    static void compute(float[] q, int qOffset, short[] keys, short[] values, int length,
                        AttentionShape shape, float[] out, int outOffset, float[] scratch) {
        float[] half = HALF_TO_FLOAT;
        int headDim = shape.headDim();
        int kvDim = shape.kvDim();
        int group = shape.heads() / shape.kvHeads();
        float scale = shape.scale();
        float[] qh = scratch;
        int acc = headDim;
        for (int h = 0; h < shape.heads(); h++) {
            int qBase = qOffset + h * headDim;
            for (int d = 0; d < headDim; d++) {
                qh[d] = toFp16(q[qBase + d]);
                scratch[acc + d] = 0f;
            }
            int kvBase = (h / group) * headDim;
            float sum = 0f;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < length; p++) {
                int row = p * kvDim + kvBase;
                double dot = 0;
                for (int d = 0; d < headDim; d++) {
                    dot += qh[d] * half[keys[row + d] & 0xFFFF];
                }
                float s = (float) dot * scale;
                float ms = 1f;
                float vs = 1f;
                if (s > max) {
                    ms = (float) Math.exp(max - s);
                    max = s;
                    for (int d = 0; d < headDim; d++) {
                        scratch[acc + d] = toFp16(scratch[acc + d] * ms);
                    }
                } else {
                    vs = (float) Math.exp(s - max);
                }
                for (int d = 0; d < headDim; d++) {
                    scratch[acc + d] = toFp16(scratch[acc + d] + half[values[row + d] & 0xFFFF] * vs);
                }
                sum = sum * ms + vs;
            }
            float inv = sum == 0f ? 0f : 1f / sum;
            int oBase = outOffset + h * headDim;
            for (int d = 0; d < headDim; d++) {
                out[oBase + d] = scratch[acc + d] * inv;
            }
        }
    }

    /**
     * The float nearest to {@code f} that fp16 can hold, as Half.toFloat(Half.fromFloat(f)): for a
     * normal fp16 result, the 13 low mantissa bits rounded half to even (a carry bumps the exponent,
     * as it should); zeros, subnormals, overflow and NaN take the exact path.
     */
    static float toFp16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int magnitude = bits & 0x7FFFFFFF;
        if (magnitude >= 0x38800000 && magnitude < 0x477FF000) {
            return Float.intBitsToFloat((bits + 0xFFF + ((bits >>> 13) & 1)) & 0xFFFFE000);
        }
        return Half.toFloat(Half.fromFloat(f));
    }
}
