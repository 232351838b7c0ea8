package io.wasmchord.kernel;

import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;

/**
 * Stand-in for the block formats of io.wasmchord.quant until they land: F32 and F16 only, with the
 * same shape of API (quantize activations to the vec-dot type, then dot rows of bytes).
 */
final class InterimFormats {
    private InterimFormats() {
    }

    static GgmlType vecDotType(GgmlType t) {
        return switch (t) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            default -> throw new UnsupportedOperationException("no kernel yet for " + t.displayName + " weights");
        };
    }

    static void quantize(GgmlType t, float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) {
            if (t == GgmlType.F32) {
                LittleEndian.putFloat(dst, dstOffset + 4 * i, src[srcOffset + i]);
            } else {
                LittleEndian.putShort(dst, dstOffset + 2 * i, Fp16.fromFloat(src[srcOffset + i]));
            }
        }
    }

    static void dequantize(GgmlType t, byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = t == GgmlType.F32 ? LittleEndian.getFloat(src, srcOffset + 4 * i)
                    : Fp16.toFloat(LittleEndian.getShort(src, srcOffset + 2 * i));
        }
    }

    static float dot(GgmlType t, byte[] w, int wOffset, byte[] a, int aOffset, int count) {
        double sum = 0;
        if (t == GgmlType.F32) {
            for (int i = 0; i < count; i++) {
                sum += LittleEndian.getFloat(w, wOffset + 4 * i) * LittleEndian.getFloat(a, aOffset + 4 * i);
            }
        } else {
            for (int i = 0; i < count; i++) {
                sum += Fp16.toFloat(LittleEndian.getShort(w, wOffset + 2 * i))
                        * Fp16.toFloat(LittleEndian.getShort(a, aOffset + 2 * i));
            }
        }
        return (float) sum;
    }
}
