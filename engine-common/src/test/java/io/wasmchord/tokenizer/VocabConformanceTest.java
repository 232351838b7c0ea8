package io.wasmchord.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * llama.cpp's own tokenizer tests (tests/test-tokenizer-0.cpp) on every vocabulary in ../shared/models/vocab
 * that has both test files and a GGUF: each string, encoded without BOS and without parsing special tokens,
 * must give exactly the ids of its .out line.
 */
class VocabConformanceTest {

    static List<Path> vocabsWithTests() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(SharedModels.vocabDir())) {
            for (Path inp : files.filter(p -> p.toString().endsWith(".gguf.inp")).sorted().toList()) {
                String name = inp.getFileName().toString();
                Path gguf = inp.resolveSibling(name.substring(0, name.length() - ".inp".length()));
                if (Files.exists(gguf)) {
                    out.add(gguf);
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyStringOfEveryVocabulary() throws IOException {
        List<Path> vocabs = vocabsWithTests();
        assertTrue(vocabs.size() >= 10, "expected the 10 vocabularies with GGUF and tests, found " + vocabs);
        return vocabs.stream().map(gguf -> DynamicTest.dynamicTest(gguf.getFileName().toString(), () -> {
            Tokenizer tok = SharedModels.tokenizer(gguf);
            List<String> inputs = SharedModels.readInputs(Path.of(gguf + ".inp"));
            List<int[]> expected = SharedModels.readOutputs(Path.of(gguf + ".out"));
            assertEquals(inputs.size(), expected.size(), "strings in .inp vs lines in .out");
            assertFalse(inputs.isEmpty());
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                int[] got = tok.encode(inputs.get(i), false, false);
                if (!Arrays.equals(expected.get(i), got)) {
                    failures.add("#" + i + " " + show(inputs.get(i)) + "\n    expected " + Arrays.toString(expected.get(i))
                            + "\n    got      " + Arrays.toString(got));
                }
            }
            System.out.println(gguf.getFileName() + ": " + (inputs.size() - failures.size()) + "/" + inputs.size()
                    + " strings match");
            assertTrue(failures.isEmpty(), failures.size() + " of " + inputs.size() + " strings differ:\n"
                    + String.join("\n", failures));
        }));
    }

    static String show(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return '"' + shown.replace("\n", "\\n").replace("\t", "\\t") + '"';
    }
}
