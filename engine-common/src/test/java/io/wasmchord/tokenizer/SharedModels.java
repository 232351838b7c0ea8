package io.wasmchord.tokenizer;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteArraySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds ../shared/models (system property shared.models, set by the build) and reads what tests need. */
final class SharedModels {
    private SharedModels() {
    }

    static Path root() {
        String property = System.getProperty("shared.models");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property);
        }
        Path moduleRelative = Path.of("..", "..", "shared", "models");
        if (Files.isDirectory(moduleRelative)) {
            return moduleRelative;
        }
        throw new IllegalStateException("shared models not found: set -Dshared.models or check out beside ../shared/models");
    }

    static Path vocabDir() {
        return root().resolve("vocab");
    }

    static GgufFile open(Path file) {
        try {
            return GgufFile.open(new ByteArraySource(file.toString(), Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Tokenizer tokenizer(Path gguf) {
        return Tokenizers.fromGguf(open(gguf));
    }

    static Tokenizer vocab(String name) {
        return tokenizer(vocabDir().resolve("ggml-vocab-" + name + ".gguf"));
    }

    /** The strings of a llama.cpp .inp file, split as test-tokenizer-0 splits them. */
    static List<String> readInputs(Path inp) {
        String raw = read(inp);
        String sep = "\n__ggml_vocab_test__\n";
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(sep, pos);
            if (next < 0) {
                out.add(raw.substring(pos));
                break;
            }
            out.add(raw.substring(pos, next));
            pos = next + sep.length();
        }
        return out;
    }

    /** The id lines of a .out file, one int[] per line. */
    static List<int[]> readOutputs(Path out) {
        List<int[]> lines = new ArrayList<>();
        for (String line : read(out).split("\n", -1)) {
            lines.add(parseIds(line));
        }
        if (!lines.isEmpty() && read(out).endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    static int[] parseIds(String line) {
        String t = line.trim().replace("[", "").replace("]", "").replace(",", " ");
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.trim().split("\\s+");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ids[i] = Integer.parseInt(parts[i]);
        }
        return ids;
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
