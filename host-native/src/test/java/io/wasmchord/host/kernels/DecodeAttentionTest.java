package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import io.wasmchord.quant.Half;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Decode attention (one query) against the scalar reference where its own paths diverge: block edges,
 * positions that raise the running maximum one after another (every step rescales the accumulator),
 * scores so far apart that most weights underflow, values so small that the fp16 accumulator holds
 * subnormals, groups of 1 to 16 query heads, heads of 16 to 128 (64 has a path of its own), on one
 * thread and on the pool (parts of several kv heads, a last part shorter than the others).
 */
class DecodeAttentionTest {

    @Test
    void matchesTheReferenceAroundBlockEdges() {
        SplittableRandom random = new SplittableRandom(11);
        for (int threads : new int[] {1, 2}) {
            try (VectorKernels kernels = new VectorKernels(threads)) {
                for (AttentionShape shape : new AttentionShape[] {
                        new AttentionShape(12, 12, 64, 0.125f),
                        new AttentionShape(32, 4, 64, 0.125f),
                        new AttentionShape(16, 1, 32, 1f / (float) Math.sqrt(32)),
                        new AttentionShape(6, 3, 16, 0.25f),
                        new AttentionShape(8, 2, 128, 1f / (float) Math.sqrt(128))}) {
                    for (int length : new int[] {1, 3, 63, 64, 65, 127, 128, 129, 200}) {
                        check(kernels, shape, length, random, Kind.RANDOM);
                    }
                }
            }
        }
    }

    @Test
    void matchesTheReferenceWhenEveryPositionRaisesTheMaximum() {
        SplittableRandom random = new SplittableRandom(12);
        try (VectorKernels kernels = new VectorKernels(2)) {
            for (int length : new int[] {2, 64, 150}) {
                check(kernels, new AttentionShape(8, 2, 64, 0.125f), length, random, Kind.RISING);
            }
        }
    }

    @Test
    void matchesTheReferenceWithSubnormalAccumulators() {
        SplittableRandom random = new SplittableRandom(13);
        try (VectorKernels kernels = new VectorKernels(1)) {
            for (int length : new int[] {5, 70, 300}) {
                check(kernels, new AttentionShape(4, 4, 64, 0.125f), length, random, Kind.TINY_VALUES);
            }
        }
    }

    @Test
    void matchesTheReferenceWhenWeightsUnderflow() {
        // Scores hundreds apart: most exponentials' arguments fall below the floor of -80 (and below -104,
        // where the float result is 0), which must not change the result.
        SplittableRandom random = new SplittableRandom(14);
        try (VectorKernels kernels = new VectorKernels(1)) {
            for (int length : new int[] {2, 64, 97, 300}) {
                check(kernels, new AttentionShape(8, 4, 64, 0.125f), length, random, Kind.PEAKED);
            }
        }
    }

    private enum Kind { RANDOM, RISING, TINY_VALUES, PEAKED }

    private static void check(VectorKernels kernels, AttentionShape shape, int length, SplittableRandom random, Kind kind) {
        int kvDim = shape.kvDim();
        short[] keys = new short[length * kvDim];
        short[] values = new short[length * kvDim];
        float[] q = new float[shape.qDim()];
        for (int i = 0; i < q.length; i++) {
            q[i] = kind == Kind.RISING ? 1f : (float) random.nextGaussian();
        }
        for (int p = 0; p < length; p++) {
            for (int d = 0; d < kvDim; d++) {
                int i = p * kvDim + d;
                // Rising: each key a little larger along the all-ones query than the one before.
                float k = switch (kind) {
                    case RISING -> 0.01f * p + 0.1f * (float) random.nextGaussian() / 64;
                    case PEAKED -> (float) random.nextGaussian() * 40;
                    default -> (float) random.nextGaussian() * 2;
                };
                float v = (float) random.nextGaussian() * (kind == Kind.TINY_VALUES ? 1e-5f : 1f);
                keys[i] = Half.fromFloat(k);
                values[i] = Half.fromFloat(v);
            }
        }
        float[] expected = new float[shape.qDim()];
        float[] actual = new float[shape.qDim()];
        FlashAttention.compute(q, 0, keys, values, length, shape, expected, 0, new float[2 * shape.headDim()]);
        kernels.attention(q, 0, keys, values, length, shape, actual, 0);
        float tolerance = kind == Kind.TINY_VALUES ? 2e-8f : 2e-3f;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, kind + " " + shape + " length " + length + " at " + i);
        }
    }
}
