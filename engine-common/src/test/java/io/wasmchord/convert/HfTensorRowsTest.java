package io.wasmchord.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.io.ByteArraySource;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HfTensorRowsTest {

    private static Safetensors.Tensor tensor(int rows, int cols) {
        byte[] b = new byte[rows * cols * 4];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                LittleEndian.putFloat(b, 4 * (r * cols + c), r);
            }
        }
        return new Safetensors.Tensor("q", "F32", new long[] {rows, cols}, new ByteArraySource(b));
    }

    /** convert_hf_to_gguf's permute: reshape(heads, 2, rows/heads/2, ...).swapaxes(1, 2). */
    @Test
    void rowsOfEachHeadGoFromHalvesToPairs() throws Exception {
        HfTensorRows rows = new HfTensorRows(tensor(8, 2), 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        rows.writeAs(GgmlType.F32, out);
        byte[] b = out.toByteArray();
        float[] firstColumn = new float[8];
        for (int r = 0; r < 8; r++) {
            firstColumn[r] = LittleEndian.getFloat(b, 4 * (r * 2));
        }
        // head 0 holds HF rows 0..3 = [x0, x1 | y0, y1]; llama.cpp wants x0, y0, x1, y1
        assertArrayEquals(new float[] {0, 2, 1, 3, 4, 6, 5, 7}, firstColumn);
        assertArrayEquals(new long[] {2, 8}, rows.ggmlShape());
    }

    @Test
    void exporterUndoesThePermutation() {
        String[] tokens = {"a", "b", "ab", "abb", "bb"};
        float[] scores = {0, 0, -1, -3, -2};
        // ab (score -1) first, then bb, then abb's two splits ordered by the left part's id
        assertEquals(List.of("a b", "b b", "a bb", "ab b"), HfExporter.merges(tokens, scores));
    }

    @Test
    void safetensorsHeaderIsChecked() {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}".getBytes();
        byte[] file = new byte[8 + header.length + 16];
        LittleEndian.putLong(file, 0, header.length);
        System.arraycopy(header, 0, file, 8, header.length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.read(new ByteArraySource("m.safetensors", file)));
        assertTrue(e.getMessage().contains("12 bytes for 4 F32"), e.getMessage());
        LittleEndian.putLong(file, 0, 1L << 40);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.read(new ByteArraySource("m.safetensors", file)));
    }

    @Test
    void safetensorsWriterAndReaderAgree() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] data = new byte[24];
        data[5] = 7;
        SafetensorsWriter.write(List.of(new SafetensorsWriter.Entry("x", "F16", new long[] {3, 4}, o -> o.write(data))),
                Map.of("format", "pt"), out);
        Safetensors s = Safetensors.read(new ByteArraySource(out.toByteArray()));
        assertEquals("pt", s.metadata().get("format"));
        Safetensors.Tensor t = s.tensors().get("x");
        assertArrayEquals(new long[] {3, 4}, t.shape());
        assertEquals(7, t.data().get(5));
        assertEquals(0, (out.size() - 24) % 8);
    }
}
