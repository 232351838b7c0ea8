package io.wasmchord.quant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the shared llama.cpp models and references lie (system property shared.models, else ../shared/models). */
final class SharedModels {
    private SharedModels() {
    }

    static Path root() {
        String property = System.getProperty("shared.models");
        Path root = property != null ? Paths.get(property) : Paths.get("").toAbsolutePath().getParent().resolve("../shared/models");
        root = root.normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared models not found at " + root + " (set -Dshared.models)");
        }
        return root;
    }

    static Path resolve(String relative) {
        return root().resolve(relative);
    }

    static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The .gguf files directly in {@code relativeDir}, sorted by name. */
    static List<Path> ggufFiles(String relativeDir) {
        try (Stream<Path> files = Files.list(resolve(relativeDir))) {
            List<Path> list = new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(".gguf")).sorted().toList());
            if (list.isEmpty()) {
                throw new IllegalStateException("no .gguf files in " + resolve(relativeDir));
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
