package io.wasmchord.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.testing.SharedModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Our dequantization against llama.cpp's, bit for bit, on every dump in synthK-A/ref/dequant. */
class DequantReferenceTest {
    private static final String DIR = "synthK-A/ref/dequant";

    @TestFactory
    Stream<DynamicTest> everyDumpMatchesBitForBit() {
        Map<?, ?> index = (Map<?, ?>) io.wasmchord.json.Json.parse(new String(SharedModels.read(SharedModels.path(DIR + "/index.json")),
                StandardCharsets.UTF_8));
        List<?> entries = (List<?>) index.get("entries");
        assertTrue(entries.size() >= 20, "index lists " + entries.size() + " dumps");
        Map<String, byte[]> files = new HashMap<>();
        return entries.stream().map(e -> (Map<?, ?>) e).map(entry -> DynamicTest.dynamicTest(
                entry.get("gguf_file") + " " + entry.get("tensor"), () -> check(entry, files)));
    }

    private static void check(Map<?, ?> entry, Map<String, byte[]> files) {
        GgmlType type = GgmlType.byName((String) entry.get("ggml_type"));
        assertEquals(((Number) entry.get("ggml_type_id")).intValue(), type.id);
        assertEquals(((Number) entry.get("block_size")).intValue(), type.blockSize);
        assertEquals(((Number) entry.get("type_size")).intValue(), type.typeSize);
        String ggufName = (String) entry.get("gguf_file");
        byte[] gguf = files.computeIfAbsent(ggufName,
                name -> SharedModels.read(SharedModels.path("synthK-A/gguf/" + name)));
        int offset = ((Number) entry.get("quant_offset")).intValue();
        int nBytes = ((Number) entry.get("quant_n_bytes")).intValue();
        int n = ((Number) entry.get("n_values")).intValue();

        GgufTensor tensor = GgufFile.open(new ByteArraySource(ggufName, gguf)).tensor((String) entry.get("tensor"));
        assertEquals(type, tensor.type());
        assertEquals(offset, tensor.dataOffset(), "index and GGUF agree on where the bytes lie");
        assertEquals(nBytes, type.bytesFor(n));

        float[] ours = new float[n];
        type.requireSupported(tensor.name()).format().dequantize(gguf, offset, ours, 0, n);
        byte[] expected = SharedModels.read(SharedModels.path(DIR + "/" + entry.get("file")));
        assertEquals(4L * n, expected.length);
        for (int i = 0; i < n; i++) {
            int want = LittleEndian.getInt(expected, 4 * i);
            int got = Float.floatToRawIntBits(ours[i]);
            if (want != got) {
                fail(type + " value " + i + " (block " + i / type.blockSize + "): expected "
                        + Float.intBitsToFloat(want) + " got " + ours[i]);
            }
        }
    }
}
