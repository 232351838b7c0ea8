package io.wasmchord.quantize;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.io.ByteArraySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds ../shared/models (system property shared.models, else beside the checkout). */
final class SharedModels {
    private SharedModels() {
    }

    static Path root() {
        String p = System.getProperty("shared.models");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        Path fallback = Path.of("").toAbsolutePath().getParent().resolve("../shared/models").normalize();
        if (!Files.isDirectory(fallback)) {
            throw new IllegalStateException("shared models not found (tried " + p + " and " + fallback + ")");
        }
        return fallback;
    }

    static GgufFile open(Path file) throws IOException {
        return GgufFile.open(new ByteArraySource(file.toString(), Files.readAllBytes(file)));
    }

    /** Every quantized (non-F32) GGUF of a shared model directory, sorted by name. */
    static List<Path> quantizedFiles(Path dir, String f32Name) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(f -> f.getFileName().toString().endsWith(".gguf"))
                    .filter(f -> !f.getFileName().toString().equals(f32Name))
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }
}
