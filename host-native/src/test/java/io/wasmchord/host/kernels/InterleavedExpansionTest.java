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
 * bit: whole groups into the interleaved tiles ({@link InterleavedKernel#expandGroup}) and single rows
 * ({@link InterleavedKernel#dequantize}, also past the last group), and column-major where a format
 * has it ({@link InterleavedKernel#expandColumns}), on 21 random rows (2 groups and a
 * tail of 5) of 3 blocks, at this build's vector width; groups whole and a column range of them (the
 * mat-mat expands one chunk of columns at a time).
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
        float[] expected = new float[cols];
        float[] row = new float[cols];
        float[] tile = new float[InterleavedKernel.GROUP * cols];
        int stride = cols + 3; // rows of the panel need not be packed
        float[] middle = new float[InterleavedKernel.GROUP * stride];
        float[] columns = new float[InterleavedKernel.GROUP * cols];
        float[] columnsMiddle = new float[3 + InterleavedKernel.GROUP * type.blockSize];
        for (int r = 0; r < rows; r++) {
            type.format().dequantize(file, r * rowBytes, expected, 0, cols);
            kernel.dequantize(packed, (long) r * rowBytes, cols, row, 0, scratch);
            int i = r % InterleavedKernel.GROUP;
            if (r < kernel.groupedRows && i == 0) {
                kernel.expandGroup(packed, r / InterleavedKernel.GROUP, cols, 0, 3, tile, 0, cols, scratch);
                kernel.expandGroup(packed, r / InterleavedKernel.GROUP, cols, 1, 2, middle, 5, stride, scratch);
                if (kernel.expandsColumns()) {
                    kernel.expandColumns(kernel.packed(), r / InterleavedKernel.GROUP, cols, 0, 3, columns, 0, scratch);
                    kernel.expandColumns(kernel.packed(), r / InterleavedKernel.GROUP, cols, 1, 2, columnsMiddle, 3, scratch);
                }
            }
            for (int k = 0; k < cols; k++) {
                String where = type + " row " + r + " column " + k + " at " + VectorKernels.vectorBits() + " bits";
                assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(row[k]), where);
                if (r < kernel.groupedRows) {
                    assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(tile[i * cols + k]), "group: " + where);
                    if (k >= type.blockSize && k < 2 * type.blockSize) {
                        assertEquals(Float.floatToRawIntBits(expected[k]),
                                Float.floatToRawIntBits(middle[5 + i * stride + k - type.blockSize]), "middle block: " + where);
                    }
                    if (kernel.expandsColumns()) {
                        int g = InterleavedKernel.GROUP;
                        assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(columns[k * g + i]),
                                "column-major: " + where);
                        if (k >= type.blockSize && k < 2 * type.blockSize) {
                            assertEquals(Float.floatToRawIntBits(expected[k]),
                                    Float.floatToRawIntBits(columnsMiddle[3 + (k - type.blockSize) * g + i]), "column-major, middle block: " + where);
                        }
                    }
                }
            }
        }
    }
}
