package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wasmchord.quant.GgmlType;
import io.wasmchord.tools.RandomBlocks;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mat-mat's expansion of repacked matrices gives exactly the reference dequantizer's floats, bit for
 * bit: whole groups into column-major panels ({@link InterleavedKernel#expandColumns}), all of a group's
 * blocks and one block from the middle at an offset (the mat-mat expands one chunk of columns at a time),
 * and single rows ({@link InterleavedKernel#dequantize}, also past the last group), on 21 random rows
 * (groups and a tail) of 3 blocks, at this build's vector width.
 */
class InterleavedExpansionTest {
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q8_0", "Q4_K", "Q6_K"})
    void expandsAsTheReference(GgmlType type) {
        int rows = 21;
        int cols = 3 * type.blockSize;
        int rowBytes = (int) type.bytesFor(cols);
        byte[] file = new byte[rows * rowBytes];
        RandomBlocks.fill(type, file, file.length, 0f, new SplittableRandom(type.ordinal()));
        InterleavedKernel kernel = VectorKernels.kernelFor(type).interleaved(rows);
        kernel.repack(MemorySegment.ofArray(file), cols);
        MemorySegment packed = kernel.packedSegment();
        Scratch scratch = new Scratch();
        int g = InterleavedKernel.GROUP;
        float[] expected = new float[cols];
        float[] row = new float[cols];
        float[] columns = new float[g * cols];
        float[] middle = new float[3 + g * type.blockSize];
        for (int r = 0; r < rows; r++) {
            type.format().dequantize(file, r * rowBytes, expected, 0, cols);
            kernel.dequantize(packed, (long) r * rowBytes, cols, row, 0, scratch);
            int i = r % g;
            if (r < kernel.groupedRows && i == 0) {
                kernel.expandColumns(kernel.packed(), r / g, cols, 0, 3, columns, 0, scratch);
                kernel.expandColumns(kernel.packed(), r / g, cols, 1, 2, middle, 3, scratch);
            }
            for (int k = 0; k < cols; k++) {
                String where = type + " row " + r + " column " + k + " at " + VectorKernels.vectorBits() + " bits";
                assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(row[k]), where);
                if (r < kernel.groupedRows) {
                    assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(columns[k * g + i]),
                            "column-major: " + where);
                    if (k >= type.blockSize && k < 2 * type.blockSize) {
                        assertEquals(Float.floatToRawIntBits(expected[k]),
                                Float.floatToRawIntBits(middle[3 + (k - type.blockSize) * g + i]), "middle block: " + where);
                    }
                }
            }
        }
    }
}
