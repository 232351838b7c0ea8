package io.wasmchord.host.kernels;

/**
 * fp16 conversions as plain counted loops over {@link Float#float16ToFloat}/{@link Float#floatToFloat16},
 * which C2's SuperWord compiles to the F16C instructions (vcvtph2ps/vcvtps2ph, a vector at a time): the Vector API
 * has no fp16 conversion, and its integer spelling costs several times as many instructions. SuperWord
 * pays a scalar pre- and post-loop per call, so callers give these loops hundreds of elements at a
 * time, never one head's 64.
 */
final class HalfLoops {
    private HalfLoops() {
    }

    /** {@code n} fp16 values of {@code src} from {@code from}, exactly, into {@code dst} from {@code at}. */
    static void toFloats(short[] src, int from, float[] dst, int at, int n) {
        for (int i = 0; i < n; i++) {
            dst[at + i] = Float.float16ToFloat(src[from + i]);
        }
    }

    /** {@code a[from, from + n)} rounded in place to the nearest fp16 values (ties to even), kept as floats. */
    static void round(float[] a, int from, int n) {
        for (int i = from; i < from + n; i++) {
            a[i] = Float.float16ToFloat(Float.floatToFloat16(a[i]));
        }
    }

    /**
     * {@code acc[0, n) + add[0, n)}, each sum rounded to fp16, into {@code acc}. Both from index 0: SuperWord
     * vectorises two float arrays only at one index (it cannot rule out that they are one array).
     */
    static void addRound(float[] acc, float[] add, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] = Float.float16ToFloat(Float.floatToFloat16(acc[i] + add[i]));
        }
    }

    /**
     * {@code acc[0, n) + v[from, from + n) * w[0, n)}, the fp16 values converted exactly, each product
     * rounded to float, each sum to fp16, into {@code acc}.
     */
    static void addProductRound(float[] acc, short[] v, int from, float[] w, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] = Float.float16ToFloat(Float.floatToFloat16(acc[i] + Float.float16ToFloat(v[from + i]) * w[i]));
        }
    }
}
