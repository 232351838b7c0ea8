package io.wasmchord.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.testing.SharedModels;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole of llama-quantize against its own output: quantizing each shared model's F32 file with
 * the options that made each shared file must give the same tensor types, in the same order, with
 * the same metadata — the same file, byte for byte.
 */
class QuantizePlanTest {

    @TestFactory
    Stream<DynamicTest> synthKA() throws Exception {
        return filesOf(SharedModels.root().resolve("synthK-A/gguf"), "synthK-A-F32.gguf");
    }

    @TestFactory
    Stream<DynamicTest> stories260K() throws Exception {
        return filesOf(SharedModels.root().resolve("stories260K"), "stories260K-F32.gguf");
    }

    static GgufFile open(Path file) {
        return GgufFile.open(new ByteArraySource(file.toString(), SharedModels.read(file)));
    }

    private static Stream<DynamicTest> filesOf(Path dir, String f32Name) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(f -> f.getFileName().toString().endsWith(".gguf") && !f.getFileName().toString().equals(f32Name))
                    .sorted().forEach(files::add);
        }
        assertFalse(files.isEmpty());
        GgufFile f32 = open(dir.resolve(f32Name));
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files) {
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> compare(f32, file)));
        }
        return tests.stream();
    }

    /** The options a shared file was made with, read from its name: MODEL-TYPE[-pure].gguf. */
    static QuantizeOptions optionsFor(Path file) {
        String name = file.getFileName().toString().replace(".gguf", "");
        boolean pure = name.endsWith("-pure");
        String type = name.replace("-pure", "");
        type = type.substring(type.lastIndexOf('-') + 1);
        FileType ft = FileType.byName(type);
        assertNotNull(ft, "unknown type in " + name);
        return QuantizeOptions.of(ft).withPure(pure);
    }

    private static void compare(GgufFile f32, Path file) throws Exception {
        GgufFile ref = open(file);
        QuantizePlan plan = QuantizePlan.of(f32, optionsFor(file));
        List<String> want = new ArrayList<>();
        for (GgufTensor t : ref.tensors()) {
            want.add(t.name() + " " + t.type().displayName);
        }
        List<String> got = new ArrayList<>();
        for (QuantizePlan.Item i : plan.items()) {
            got.add(i.source().name() + " " + i.target().displayName);
        }
        assertEquals(String.join("\n", want), String.join("\n", got), "tensor order and types");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GgufQuantizer.write(f32, plan, TensorEncoder.sequential(TensorEncoder.ProgressListener.NONE), out);
        byte[] expected = Files.readAllBytes(file);
        byte[] actual = out.toByteArray();
        if (!java.util.Arrays.equals(expected, actual)) {
            fail(file.getFileName() + " differs:\n  " + String.join("\n  ", tensorDifferences(ref, actual)));
        }
    }

    /** Which tensors differ, and where first, to point at the quantizer at fault. */
    private static List<String> tensorDifferences(GgufFile ref, byte[] actual) {
        GgufFile ours = GgufFile.open(new ByteArraySource("ours", actual));
        List<String> out = new ArrayList<>();
        if (!ours.metadata().keySet().equals(ref.metadata().keySet())) {
            out.add("metadata keys " + ours.metadata().keySet() + " vs " + ref.metadata().keySet());
        }
        for (GgufTensor want : ref.tensors()) {
            GgufTensor got = ours.tensor(want.name());
            byte[] a = new byte[Math.toIntExact(want.byteSize())];
            byte[] b = new byte[Math.toIntExact(got.byteSize())];
            ref.data(want).read(0, a, 0, a.length);
            ours.data(got).read(0, b, 0, b.length);
            int i = java.util.Arrays.mismatch(a, b);
            if (i >= 0) {
                out.add(want.name() + " (" + want.type().displayName + ") first differs at byte " + i
                        + " (block " + i / want.type().typeSize + ")");
            }
        }
        if (out.isEmpty()) {
            out.add("header or padding");
        }
        return out;
    }

    @Test
    void layerOrderIsNumeric() {
        assertEquals(-1, QuantizePlan.layerOf("output.weight"));
        assertEquals(12, QuantizePlan.layerOf("blk.12.ffn_down.weight"));
        assertEquals(1, QuantizePlan.layerOf("blk.1e5.x"));
    }

    @Test
    void alreadyQuantizedInputNeedsAllowRequantize() throws Exception {
        Path q8 = SharedModels.root().resolve("synthK-A/gguf/synthK-A-Q8_0.gguf");
        GgufFile in = open(q8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantizePlan.of(in, QuantizeOptions.of(FileType.MOSTLY_Q4_0)));
        assertTrue(e.getMessage().contains("--allow-requantize"), e.getMessage());
    }

    @Test
    void userTypesMustFitTheRowLength() throws Exception {
        GgufFile in = open(SharedModels.root().resolve("stories260K/stories260K-F32.gguf"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantizePlan.of(in, QuantizeOptions.of(FileType.MOSTLY_Q8_0).withOutputTensorType(GgmlType.Q4_K)));
        assertTrue(e.getMessage().contains("output.weight") && e.getMessage().contains("256"), e.getMessage());
    }

    @Test
    void outputAndEmbeddingOverrides() throws Exception {
        GgufFile in = open(SharedModels.root().resolve("synthK-A/gguf/synthK-A-F32.gguf"));
        QuantizePlan plan = QuantizePlan.of(in, QuantizeOptions.of(FileType.MOSTLY_Q4_K_M)
                .withOutputTensorType(GgmlType.Q8_0).withTokenEmbeddingType(GgmlType.F16));
        for (QuantizePlan.Item i : plan.items()) {
            switch (i.source().name()) {
                case "output.weight" -> assertEquals(GgmlType.Q8_0, i.target());
                case "token_embd.weight" -> assertEquals(GgmlType.F16, i.target());
                case "output_norm.weight" -> assertEquals(GgmlType.F32, i.target());
                default -> {
                }
            }
        }
    }

    /** The names-and-shapes entry point (used by chord synth) must agree with the plan of a real file, in any order. */
    @Test
    void tensorTypesFromShapesMatchThePlan() throws Exception {
        for (String model : List.of("stories260K/stories260K-F32.gguf", "synthK-A/gguf/synthK-A-F32.gguf")) {
            GgufFile in = open(SharedModels.root().resolve(model));
            for (FileType ft : List.of(FileType.MOSTLY_Q4_K_M, FileType.MOSTLY_Q3_K_M, FileType.MOSTLY_IQ4_XS)) {
                QuantizeOptions options = QuantizeOptions.of(ft);
                Map<String, long[]> shapes = new LinkedHashMap<>();
                List<GgufTensor> reversed = new ArrayList<>(in.tensors());
                Collections.reverse(reversed);
                for (GgufTensor t : reversed) {
                    shapes.put(t.name(), t.ne());
                }
                Map<String, GgmlType> types = QuantizePlan.tensorTypes(ModelHparams.of(in), options, shapes);
                for (QuantizePlan.Item i : QuantizePlan.of(in, options).items()) {
                    assertEquals(i.target(), types.get(i.source().name()), model + " " + ft.displayName + ": "
                            + i.source().name());
                }
            }
        }
    }
}
