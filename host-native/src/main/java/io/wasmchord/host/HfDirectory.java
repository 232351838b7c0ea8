package io.wasmchord.host;

import io.wasmchord.convert.HfModelFiles;
import io.wasmchord.convert.Safetensors;

import io.wasmchord.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Opens a Hugging Face model directory: config.json, the safetensors weights (one file, or the
 * shards model.safetensors.index.json lists, memory-mapped), and whichever tokenizer files exist.
 */
public final class HfDirectory implements AutoCloseable {
    private final List<MappedFile> mapped = new ArrayList<>();
    private final HfModelFiles files;

    private HfDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        JsonObject config = json(dir.resolve("config.json"), true);
        List<Safetensors> weights = new ArrayList<>();
        try {
            for (Path p : weightFiles(dir)) {
                MappedFile m = MappedFile.open(p);
                mapped.add(m);
                weights.add(Safetensors.read(m));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        Path sp = dir.resolve("tokenizer.model");
        String template = null;
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            template = Files.readString(jinja, StandardCharsets.UTF_8);
        } else if (Files.isRegularFile(dir.resolve("chat_template.json"))) {
            template = json(dir.resolve("chat_template.json"), true).string("chat_template", null);
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        files = new HfModelFiles(name == null ? "model" : name.toString(), config, weights,
                json(dir.resolve("tokenizer.json"), false), json(dir.resolve("tokenizer_config.json"), false),
                Files.isRegularFile(sp) ? Files.readAllBytes(sp) : null, json(dir.resolve("added_tokens.json"), false),
                template);
    }

    public static HfDirectory open(Path dir) throws IOException {
        return new HfDirectory(dir);
    }

    public HfModelFiles files() {
        return files;
    }

    private static JsonObject json(Path p, boolean required) throws IOException {
        if (!Files.isRegularFile(p)) {
            if (required) {
                throw new NoSuchFileException(p.toString(), null, "missing");
            }
            return null;
        }
        return JsonObject.parse(Files.readString(p, StandardCharsets.UTF_8), p.toString());
    }

    /** The index's shards in first-use order, else model.safetensors, else every *.safetensors sorted. */
    private static List<Path> weightFiles(Path dir) throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            JsonObject idx = json(index, true);
            JsonObject map = idx.object("weight_map");
            if (map == null) {
                throw new IOException(index + ": no weight_map");
            }
            Set<String> shards = new LinkedHashSet<>();
            for (Map.Entry<String, Object> e : map.map().entrySet()) {
                if (!(e.getValue() instanceof String s) || s.contains("/") || s.contains("\\")) {
                    throw new IOException(index + ": bad shard name for " + e.getKey() + ": " + e.getValue());
                }
                shards.add(s);
            }
            List<Path> out = new ArrayList<>();
            for (String s : shards.stream().sorted().toList()) {
                Path p = dir.resolve(s);
                if (!Files.isRegularFile(p)) {
                    throw new NoSuchFileException(p.toString(), null, "listed in " + index + " but missing");
                }
                out.add(p);
            }
            return out;
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            if (out.isEmpty()) {
                throw new NoSuchFileException(dir.toString(), null, "no *.safetensors weights (PyTorch .bin files are not read)");
            }
            return out;
        }
    }

    @Override
    public void close() {
        for (MappedFile m : mapped) {
            m.close();
        }
        mapped.clear();
    }

}
