package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import io.wasmchord.quant.Half;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Vector flash attention against the reference in engine-common (itself checked against plain attention
 * by FlashAttentionTest), GQA and MHA, odd head dims, short and long caches.
 */
class VectorAttentionKernelsTest {

    @Test
    void matchesTheReferenceAttention() {
        try (VectorKernels kernels = new VectorKernels(2)) {
            SplittableRandom random = new SplittableRandom(5);
            for (AttentionShape shape : new AttentionShape[] {
                    new AttentionShape(8, 4, 8, 1f / (float) Math.sqrt(8)),
                    new AttentionShape(4, 2, 64, 0.125f),
                    new AttentionShape(12, 12, 64, 0.125f),
                    new AttentionShape(6, 1, 16, 0.25f),
                    new AttentionShape(8, 2, 80, 1f / (float) Math.sqrt(80)),    // 80: a multiple of the lanes only
                    new AttentionShape(6, 2, 7, 1f / (float) Math.sqrt(7)),      // odd head dims: the scalar path
                    new AttentionShape(5, 1, 13, 1f / (float) Math.sqrt(13))}) {
                for (int length : new int[] {1, 2, 7, 100, 333}) {
                    check(kernels, shape, length, random);
                }
            }
        }
    }

    @Test
    void promptBatchesMatchTheReferenceQueryByQuery() {
        try (VectorKernels kernels = new VectorKernels(2)) {
            SplittableRandom random = new SplittableRandom(7);
            for (AttentionShape shape : new AttentionShape[] {
                    new AttentionShape(4, 2, 64, 0.125f),
                    new AttentionShape(12, 12, 64, 0.125f),
                    new AttentionShape(8, 2, 80, 1f / (float) Math.sqrt(80)),
                    new AttentionShape(6, 2, 7, 1f / (float) Math.sqrt(7))}) {
                // starts and sizes around the query block (16) and key block (64); 1-3 queries take the row path
                int[][] runs = {{0, 1}, {0, 3}, {0, 5}, {0, 16}, {0, 37}, {5, 2}, {63, 20}, {64, 64}, {100, 130}, {0, 128}};
                for (int[] run : runs) {
                    checkBatch(kernels, shape, run[0], run[1], 1f, random);
                }
            }
        }
    }

    /**
     * Queries 8x larger: peaked heads, whose maxima rise often and whose far positions meet the floor of
     * the exponentials; groups of 8 query heads per kv head share a part's key and value blocks.
     */
    @Test
    void peakedPromptBatchesMatchTheReference() {
        try (VectorKernels kernels = new VectorKernels(2)) {
            SplittableRandom random = new SplittableRandom(8);
            for (AttentionShape shape : new AttentionShape[] {
                    new AttentionShape(8, 1, 64, 0.125f),
                    new AttentionShape(12, 12, 64, 0.125f)}) {
                int[][] runs = {{0, 37}, {63, 20}, {100, 130}};
                for (int[] run : runs) {
                    checkBatch(kernels, shape, run[0], run[1], 8f, random);
                }
            }
        }
    }

    /**
     * Keys and values converted once per call (what the tests above check against the reference) and per
     * part and key block (calls past {@link VectorAttention#CONVERTED_MAX}) give the same results within
     * a few fp16 steps: the vector exponential is the Vector API's Java fallback until C2 compiles its
     * intrinsic, the two may differ in the last place, and the accumulators' rounding to fp16 after every
     * position can carry that to an fp16 step.
     */
    @Test
    void convertingPerPartGivesWhatConvertingOncePerCallGives() {
        SplittableRandom random = new SplittableRandom(10);
        for (AttentionShape shape : new AttentionShape[] {
                new AttentionShape(12, 12, 64, 0.125f),
                new AttentionShape(8, 2, 80, 1f / (float) Math.sqrt(80)),
                new AttentionShape(32, 4, 64, 0.125f)}) {
            for (int[] run : new int[][] {{0, 5}, {0, 37}, {63, 20}, {100, 130}}) {
                int start = run[0];
                int n = run[1];
                Batch batch = Batch.random(shape, start, n, 1f, random);
                float[] once = attend(new VectorAttention(), batch, start, n, shape);
                float[] perPart = attend(new VectorAttention(0), batch, start, n, shape);
                for (int i = 0; i < once.length; i++) {
                    assertEquals(once[i], perPart[i], 1e-3f * Math.max(1f, Math.abs(once[i])),
                            shape + " start " + start + " n " + n + " at " + i);
                }
            }
        }
    }

    private static float[] attend(VectorAttention attention, Batch batch, int start, int n, AttentionShape shape) {
        float[] out = new float[n * shape.qDim()];
        int parts = attention.set(batch.q, 0, batch.keys, batch.values, start, n, shape, out, 0, 1);
        for (int p = 0; p < parts; p++) {
            attention.run(p, 0);
        }
        attention.clear();
        return out;
    }

    @Test
    void roundsToHalfLikeAStoreAndLoad() {
        SplittableRandom random = new SplittableRandom(9);
        float[] x = new float[Simd.FLOATS];
        float[] r = new float[Simd.FLOATS];
        for (int i = 0; i < 50_000; i++) {
            for (int l = 0; l < x.length; l++) {
                int kind = random.nextInt(4);
                x[l] = kind == 0 ? Float.intBitsToFloat(random.nextInt())
                        : (float) ((random.nextDouble() - 0.5) * Math.pow(2, random.nextInt(-30, 18)));
            }
            System.arraycopy(x, 0, r, 0, x.length);
            Simd.roundToHalf(r, 0, r.length);
            for (int l = 0; l < x.length; l++) {
                float expected = Half.toFloat(Half.fromFloat(x[l]));
                if (Float.isNaN(expected)) {
                    assertEquals(true, Float.isNaN(r[l]), "NaN " + x[l]);
                } else {
                    assertEquals(expected, r[l], 0f, "fp16 rounding of " + x[l] + " (" + Integer.toHexString(Float.floatToRawIntBits(x[l])) + ")");
                }
            }
        }
    }

    /** A cache of {@code start + n} random fp16 positions and {@code n} queries. */
    private record Batch(float[] q, short[] keys, short[] values) {
        static Batch random(AttentionShape shape, int start, int n, float qScale, SplittableRandom random) {
            short[] keys = new short[(start + n) * shape.kvDim()];
            short[] values = new short[keys.length];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Half.fromFloat((float) random.nextGaussian() * 2);
                values[i] = Half.fromFloat((float) random.nextGaussian());
            }
            float[] q = new float[n * shape.qDim()];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) random.nextGaussian() * qScale;
            }
            return new Batch(q, keys, values);
        }
    }

    private static void checkBatch(VectorKernels kernels, AttentionShape shape, int start, int n, float qScale,
                                   SplittableRandom random) {
        Batch batch = Batch.random(shape, start, n, qScale, random);
        float[] q = batch.q;
        short[] keys = batch.keys;
        short[] values = batch.values;
        float[] expected = new float[n * shape.qDim()];
        float[] actual = new float[n * shape.qDim()];
        for (int t = 0; t < n; t++) {
            FlashAttention.compute(q, t * shape.qDim(), keys, values, start + t + 1, shape, expected, t * shape.qDim(),
                    new float[2 * shape.headDim()]);
        }
        kernels.causalAttention(q, keys, values, start, n, shape, actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-3f, shape + " start " + start + " n " + n + " at " + i);
        }
    }

    private static void check(VectorKernels kernels, AttentionShape shape, int length, SplittableRandom random) {
        int kvDim = shape.kvDim();
        short[] keys = new short[length * kvDim];
        short[] values = new short[length * kvDim];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Half.fromFloat((float) random.nextGaussian() * 2);
            values[i] = Half.fromFloat((float) random.nextGaussian());
        }
        float[] q = new float[3 + shape.qDim()];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) random.nextGaussian();
        }
        float[] expected = new float[shape.qDim() + 5];
        float[] actual = new float[shape.qDim() + 5];
        FlashAttention.compute(q, 3, keys, values, length, shape, expected, 5, new float[2 * shape.headDim()]);
        kernels.attention(q, 3, keys, values, length, shape, actual, 5);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-3f, shape + " length " + length + " at " + i);
        }
    }
}
