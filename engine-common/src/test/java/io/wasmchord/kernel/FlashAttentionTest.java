package io.wasmchord.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.quant.Half;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Flash attention (one online-softmax pass, fp16 query and V accumulator, as ggml does it) against the
 * textbook formula computed in double: every score of the row, softmax, weighted sum of V. They agree
 * within what fp16 rounding explains; and flash attention needs no memory that grows with the context.
 */
class FlashAttentionTest {

    @Test
    void equalsPlainAttention() {
        SplittableRandom random = new SplittableRandom(11);
        AttentionShape[] shapes = {
                new AttentionShape(8, 4, 8, 1f / (float) Math.sqrt(8)),     // stories260K: grouped-query
                new AttentionShape(6, 2, 7, 1f / (float) Math.sqrt(7)),     // odd head dim
                new AttentionShape(5, 1, 13, 1f / (float) Math.sqrt(13)),   // one kv head, odd dim
                new AttentionShape(4, 4, 64, 0.125f),                       // multi-head
                new AttentionShape(8, 2, 80, 1f / (float) Math.sqrt(80))};  // 80: not a power of two
        for (AttentionShape shape : shapes) {
            for (int length : new int[] {1, 2, 3, 31, 200, 1000}) {
                for (float spread : new float[] {1f, 8f}) { // 8: peaked softmax, the running max moves often
                    Case c = Case.random(shape, length, spread, random);
                    float[] expected = plain(c);
                    float[] actual = new float[shape.qDim() + 3];
                    FlashAttention.compute(c.q, 1, c.keys, c.values, length, shape, actual, 3, new float[2 * shape.headDim()]);
                    for (int i = 0; i < shape.qDim(); i++) {
                        // The fp16 V accumulator is rounded once per position (2^-11 relative each time):
                        // the largest error seen over these cases is about half this tolerance; a
                        // softmax that forgot to rescale on a new maximum fails at two positions already.
                        float tolerance = 4e-3f + 4e-3f * Math.abs(expected[i]);
                        assertEquals(expected[i], actual[3 + i], tolerance,
                                shape + " length " + length + " spread " + spread + " output " + i);
                    }
                }
            }
        }
    }

    @Test
    void oneCachedPositionReturnsItsValue() {
        AttentionShape shape = new AttentionShape(4, 2, 6, 0.5f);
        Case c = Case.random(shape, 1, 3f, new SplittableRandom(3));
        float[] out = new float[shape.qDim()];
        FlashAttention.compute(c.q, 1, c.keys, c.values, 1, shape, out, 0, new float[2 * shape.headDim()]);
        for (int h = 0; h < shape.heads(); h++) {
            int kv = h / (shape.heads() / shape.kvHeads());
            for (int d = 0; d < shape.headDim(); d++) {
                assertEquals(Half.toFloat(c.values[kv * shape.headDim() + d]), out[h * shape.headDim() + d], 0f);
            }
        }
    }

    /**
     * The decode step at context 512 .. 4,096 allocates nothing: the working memory is the caller's
     * 2 x head-dim scratch, so the total stays the KV cache (linear in the context), where plain
     * attention holds a score per cached position (and a prefill of N tokens, N x N per head).
     */
    @Test
    void allocatesNothingWhateverTheContext() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        AttentionShape shape = new AttentionShape(12, 12, 64, 0.125f);
        Case c = Case.random(shape, 4096, 1f, new SplittableRandom(5));
        float[] out = new float[shape.qDim()];
        float[] scratch = new float[2 * shape.headDim()];
        FlashAttention.compute(c.q, 1, c.keys, c.values, 16, shape, out, 0, scratch); // loads classes
        long self = Thread.currentThread().threadId();
        for (int length = 512; length <= 4096; length *= 2) {
            long before = threads.getThreadAllocatedBytes(self);
            FlashAttention.compute(c.q, 1, c.keys, c.values, length, shape, out, 0, scratch);
            long allocated = threads.getThreadAllocatedBytes(self) - before;
            assertEquals(0, allocated, "bytes allocated by attention over " + length + " positions");
        }
    }

    private static float[] plain(Case c) {
        AttentionShape s = c.shape;
        int group = s.heads() / s.kvHeads();
        float[] out = new float[s.qDim()];
        double[] scores = new double[c.length];
        for (int h = 0; h < s.heads(); h++) {
            int kv = (h / group) * s.headDim();
            double max = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < c.length; p++) {
                double dot = 0;
                for (int d = 0; d < s.headDim(); d++) {
                    // The query in fp16, as the kernel takes it (ggml's fp16 K dot products need that).
                    double qd = Half.toFloat(Half.fromFloat(c.q[1 + h * s.headDim() + d]));
                    dot += qd * Half.toFloat(c.keys[p * s.kvDim() + kv + d]);
                }
                scores[p] = dot * s.scale();
                max = Math.max(max, scores[p]);
            }
            double sum = 0;
            for (int p = 0; p < c.length; p++) {
                scores[p] = Math.exp(scores[p] - max);
                sum += scores[p];
            }
            for (int d = 0; d < s.headDim(); d++) {
                double v = 0;
                for (int p = 0; p < c.length; p++) {
                    v += scores[p] * Half.toFloat(c.values[p * s.kvDim() + kv + d]);
                }
                out[h * s.headDim() + d] = (float) (v / sum);
            }
        }
        return out;
    }

    /** A query (from offset 1) and an fp16 cache of {@code length} positions; keys scaled by {@code spread}. */
    private record Case(AttentionShape shape, int length, float[] q, short[] keys, short[] values) {
        static Case random(AttentionShape shape, int length, float spread, SplittableRandom random) {
            float[] q = new float[1 + shape.qDim()];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) random.nextGaussian();
            }
            short[] keys = new short[length * shape.kvDim()];
            short[] values = new short[length * shape.kvDim()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Half.fromFloat((float) random.nextGaussian() * spread);
                values[i] = Half.fromFloat((float) random.nextGaussian());
            }
            return new Case(shape, length, q, keys, values);
        }
    }
}
