package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code chord info} lists every tensor as llama.cpp's gguf tools saw it (ref/tensor_types_synthK-A.json). */
class InfoCommandTest {

    private static Path shared() {
        String p = System.getProperty("shared.models");
        return p != null ? Path.of(p) : Path.of("..", "..", "shared", "models");
    }

    private static String[] run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Chord.run(args));
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    @SuppressWarnings("unchecked")
    void tensorTableMatchesLlamaCppForEverySynthKAFile() throws IOException {
        Map<String, Object> ref = (Map<String, Object>) Json.parse(
                Files.readString(shared().resolve("synthK-A/ref/tensor_types_synthK-A.json")));
        int files = 0;
        for (Map.Entry<String, Object> file : ref.entrySet()) {
            Map<String, String[]> rows = new HashMap<>();
            for (String line : run("info", shared().resolve("synthK-A/gguf/" + file.getKey()).toString())) {
                String[] cells = line.trim().split("\\s{2,}");
                if (cells.length == 6 && cells[0].matches("\\d+")) {
                    rows.put(cells[1], cells);
                }
            }
            List<Object> tensors = (List<Object>) ((Map<String, Object>) file.getValue()).get("tensors");
            assertEquals(tensors.size(), rows.size(), file.getKey());
            for (Object o : tensors) {
                List<Object> t = (List<Object>) o;
                String[] row = rows.get((String) t.get(0));
                List<Object> shape = (List<Object>) t.get(2);
                String expectedShape = shape.size() == 1 ? shape.get(0).toString() : shape.get(0) + " x " + shape.get(1);
                assertEquals(t.get(1), row[2], t.get(0) + " type in " + file.getKey());
                assertEquals(expectedShape, row[3], t.get(0) + " shape");
                assertEquals(((Number) t.get(3)).longValue(), Long.parseLong(row[4].replace(",", "")), t.get(0) + " bytes");
                assertEquals(((Number) t.get(4)).longValue(), Long.parseLong(row[5]), t.get(0) + " offset");
            }
            files++;
        }
        assertTrue(files >= 29, files + " files");
    }

    @Test
    void metadataShowsTypesAndAbbreviatesLongArrays() {
        String text = String.join("\n", run("info", "--no-tensors",
                shared().resolve("stories260K/stories260K-Q4_K_M.gguf").toString()));
        assertTrue(text.contains("GGUF v3, 304,096 bytes, alignment 32"), text);
        assertTrue(text.contains("arr[string,512] tokenizer.ggml.tokens = [\"<unk>\", \"<s>\", \"</s>\""), text);
        assertTrue(text.contains("... 504 more ..."), text);
        assertTrue(text.contains("uint32         llama.block_count = 5"), text);
        assertTrue(text.contains("uint32         general.file_type = 15"), text);
        assertTrue(!text.contains("blk.0.attn_k.weight"), "--no-tensors leaves out the table");
    }
}
