package io.wasmchord.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.testing.SharedModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every tensor of every shared GGUF file, dequantized and held against the same tensor of the model's
 * F32 file: bit-exact where llama.cpp's conversion is deterministic (F32 copies, F16/BF16 rounding, Q8_0's
 * reference quantizer), within a per-type error bound otherwise.
 */
class SharedFilesDequantTest {

    /**
     * Relative RMS error bounds, ||dequant - f32|| / ||f32|| over a tensor. A grid of step s has RMS error
     * about s/sqrt(12); for blocks of 32 Gaussian-like weights (amax about 2.5 sigma) that is about 0.09 of
     * the RMS for 4-bit symmetric Q4_0, and each extra bit halves it (Q5: 0.045, Q6: 0.02; Q3: 0.18, Q2:
     * 0.36); the K-quants' searched scales and IQ4's grid do a little better at the same bits. Measured on
     * the shared files (worst tensor): Q2_K 0.299, Q3_K 0.152, Q4_0 0.096, Q4_1 0.088, IQ4_NL 0.084,
     * IQ4_XS 0.077, Q4_K 0.072, Q5_0 0.050, Q5_1 0.042, Q5_K 0.036, Q6_K 0.018. The bounds are 1.5x those,
     * far below the errors of order 1 that a wrong bit or scale layout gives.
     */
    private static final Map<GgmlType, Double> REL_RMS_BOUND = new EnumMap<>(GgmlType.class);

    static {
        REL_RMS_BOUND.put(GgmlType.Q2_K, 0.45);
        REL_RMS_BOUND.put(GgmlType.Q3_K, 0.23);
        REL_RMS_BOUND.put(GgmlType.Q4_0, 0.145);
        REL_RMS_BOUND.put(GgmlType.Q4_1, 0.13);
        REL_RMS_BOUND.put(GgmlType.IQ4_NL, 0.125);
        REL_RMS_BOUND.put(GgmlType.IQ4_XS, 0.115);
        REL_RMS_BOUND.put(GgmlType.Q4_K, 0.11);
        REL_RMS_BOUND.put(GgmlType.Q5_0, 0.075);
        REL_RMS_BOUND.put(GgmlType.Q5_1, 0.065);
        REL_RMS_BOUND.put(GgmlType.Q5_K, 0.055);
        REL_RMS_BOUND.put(GgmlType.Q6_K, 0.027);
    }

    @TestFactory
    Stream<DynamicTest> everyTensorOfEveryFile() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] model : new String[][] {{"stories260K", "stories260K/stories260K-F32.gguf"},
                {"synthK-A/gguf", "synthK-A/gguf/synthK-A-F32.gguf"}}) {
            Map<String, float[]> reference = new HashMap<>();
            List<Path> files = SharedModels.ggufFiles(model[0]);
            assertTrue(files.size() >= 15, model[0] + " holds " + files.size() + " GGUF files");
            for (Path file : files) {
                tests.add(DynamicTest.dynamicTest(file.getFileName().toString(),
                        () -> checkFile(file, reference, SharedModels.path(model[1]))));
            }
        }
        return tests.stream();
    }

    private static void checkFile(Path file, Map<String, float[]> reference, Path f32File) {
        if (reference.isEmpty()) {
            byte[] f32 = SharedModels.read(f32File);
            GgufFile gguf = GgufFile.open(new ByteArraySource(f32File.toString(), f32));
            for (GgufTensor t : gguf.tensors()) {
                assertEquals(GgmlType.F32, t.type(), "the F32 file holds only F32 tensors");
                reference.put(t.name(), dequantize(f32, t));
            }
        }
        byte[] bytes = SharedModels.read(file);
        GgufFile gguf = GgufFile.open(new ByteArraySource(file.toString(), bytes));
        for (GgufTensor t : gguf.tensors()) {
            t.type().requireSupported(t.name());
        }
        Map<GgmlType, double[]> worst = new EnumMap<>(GgmlType.class);
        Map<GgmlType, Integer> counts = new EnumMap<>(GgmlType.class);
        for (GgufTensor t : gguf.tensors()) {
            counts.merge(t.type(), 1, Integer::sum);
            String where = file.getFileName() + " " + t.name() + " (" + t.type() + ")";
            float[] values = dequantize(bytes, t);
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    fail(where + ": value " + i + " is " + values[i]);
                }
            }
            float[] expected = reference.get(t.name());
            assertNotNull(expected, where + " has an F32 counterpart");
            assertEquals(expected.length, values.length, where);
            int offset = (int) t.dataOffset();
            switch (t.type()) {
                case F32 -> assertArrayEquals(expected, values, where);
                case F16 -> {
                    for (int i = 0; i < values.length; i++) {
                        assertEquals(Half.fromFloat(expected[i]), LittleEndian.getShort(bytes, offset + 2 * i), where + " value " + i);
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < values.length; i++) {
                        assertEquals(Half.floatToBf16(expected[i]), LittleEndian.getShort(bytes, offset + 2 * i), where + " value " + i);
                    }
                }
                case Q8_0 -> {
                    byte[] ours = new byte[(int) t.byteSize()];
                    Q8_0Format.quantizeReference(expected, 0, ours, 0, expected.length);
                    assertArrayEquals(ours, java.util.Arrays.copyOfRange(bytes, offset, offset + ours.length),
                            where + ": llama-quantize's bytes are quantize_row_q8_0_ref's");
                }
                default -> {
                    double error = 0;
                    double norm = 0;
                    for (int i = 0; i < values.length; i++) {
                        double e = (double) values[i] - expected[i];
                        error += e * e;
                        norm += (double) expected[i] * expected[i];
                    }
                    double relRms = Math.sqrt(error / norm);
                    Double bound = REL_RMS_BOUND.get(t.type());
                    assertNotNull(bound, "an error bound for " + t.type());
                    assertTrue(relRms <= bound, where + ": relative RMS error " + relRms + " above " + bound);
                    double[] w = worst.computeIfAbsent(t.type(), k -> new double[1]);
                    w[0] = Math.max(w[0], relRms);
                }
            }
        }
        String name = file.getFileName().toString();
        for (GgmlType exact : new GgmlType[] {GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0}) {
            if (name.endsWith("-" + exact.displayName + ".gguf")) {
                assertTrue(counts.getOrDefault(exact, 0) >= 10, name + " holds " + counts + ": its " + exact + " tensors were checked");
            }
        }
        if (System.getProperty("quant.report") != null) {
            worst.forEach((type, w) -> System.out.println("REPORT " + file.getFileName() + " " + type + " worst rel RMS " + w[0]));
        }
    }

    private static float[] dequantize(byte[] file, GgufTensor t) {
        long n = t.elementCount();
        assertTrue(n <= Integer.MAX_VALUE && t.dataOffset() + t.byteSize() <= file.length, t.name() + " lies in the file");
        float[] values = new float[(int) n];
        t.type().format().dequantize(file, (int) t.dataOffset(), values, 0, (int) n);
        return values;
    }
}
