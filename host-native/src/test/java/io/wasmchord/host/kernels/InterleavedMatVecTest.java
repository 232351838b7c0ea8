package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.quant.GgmlType;
import io.wasmchord.tools.RandomBlocks;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The repacked mat-vecs over many groups in one call, as decoding's long claimed runs make them: five
 * groups (two two-group passes and a single group) of rows 3 and 8 blocks long (Q6_K takes two groups a
 * pass only from 8), for activation rows 0 and 1 of a batch of two, against the reference's block dots.
 * The pool's parts are too short in VectorKernelsTest's shapes to reach those passes.
 */
class InterleavedMatVecTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q8_0", "Q4_K", "Q6_K"})
    void manyGroupsInOneCallMatchTheReference(GgmlType type) {
        SplittableRandom random = new SplittableRandom(type.ordinal());
        for (int blocks : new int[] {3, 8}) {
            int groups = 5;
            int rows = groups * InterleavedKernel.GROUP;
            int cols = blocks * type.blockSize;
            int rowBytes = (int) type.bytesFor(cols);
            byte[] file = new byte[rows * rowBytes];
            RandomBlocks.fill(type, file, file.length, 0f, random);
            InterleavedKernel kernel = VectorKernels.kernelFor(type).interleaved(rows);
            kernel.repack(MemorySegment.ofArray(file), cols);
            float[] x = new float[2 * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextDouble() * 2 - 1) * (i % 7 == 0 ? 4f : 1f);
            }
            Activations a = new Activations();
            GgmlType act = type.vecDotType();
            a.encode(act, x, cols, 2, false);
            kernel.prepare(a);
            int actBytes = (int) act.bytesFor(cols);
            byte[] encoded = new byte[2 * actBytes];
            float[] dequantized = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                type.format().dequantize(file, r * rowBytes, dequantized, r * cols, cols);
            }
            for (int t = 0; t < 2; t++) {
                act.format().quantize(x, t * cols, encoded, t * actBytes, cols);
                float[] out = new float[rows];
                kernel.dotGroups(kernel.packed(), 0, groups, a, t, out, 0);
                for (int r = 0; r < rows; r++) {
                    float expected = type.format().dot(file, r * rowBytes, encoded, t * actBytes, cols);
                    double magnitude = 0;
                    for (int i = 0; i < cols; i++) {
                        magnitude += Math.abs(dequantized[r * cols + i] * x[t * cols + i]);
                    }
                    assertEquals(expected, out[r], 2e-5 * magnitude + 1e-6,
                            type + " " + blocks + " blocks, row " + r + " of activation row " + t);
                }
            }
        }
    }
}
