package io.wasmchord.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates llama.cpp's reference data in ../shared/models, which tests read in place. */
public final class SharedModels {
    private SharedModels() {
    }

    public static Path root() {
        String prop = System.getProperty("shared.models");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "models");
        if (!Files.isDirectory(p)) {
            p = Path.of("..", "shared", "models");
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("reference data not found at " + p.toAbsolutePath()
                    + "; the project expects ../shared/models beside the checkout");
        }
        return p.normalize();
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    /** Every .gguf file under the given subdirectories, sorted. */
    public static List<Path> ggufFiles(String... dirs) {
        try {
            Stream<Path> all = Stream.empty();
            for (String d : dirs) {
                all = Stream.concat(all, Files.walk(root().resolve(d)).filter(f -> f.toString().endsWith(".gguf")).toList().stream());
            }
            return all.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
