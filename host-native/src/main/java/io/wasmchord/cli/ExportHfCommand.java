package io.wasmchord.cli;

import io.wasmchord.convert.HfExporter;
import io.wasmchord.convert.SafetensorsWriter;
import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.MappedFile;
import io.wasmchord.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code chord export-hf IN.gguf DIR}: a llama GGUF as a Hugging Face directory (safetensors). */
final class ExportHfCommand implements Command {
    @Override
    public String name() {
        return "export-hf";
    }

    @Override
    public String summary() {
        return "write a llama GGUF (F32/F16/BF16) as a Hugging Face directory";
    }

    @Override
    public String help() {
        return """
                usage: ./chord export-hf [options] IN.gguf DIR

                Writes DIR/config.json, tokenizer.json, tokenizer_config.json and the weights as safetensors
                (HF names, q/k rows in HF's layout): the inverse of convert-hf, for tests and for tools that
                want transformers' format. Needs F32/F16/BF16 weights and a SentencePiece (llama) vocabulary.

                options:
                  --shard-size BYTES   split the weights into model-0000i-of-0000n.safetensors files of about
                                       this size, with model.safetensors.index.json (default: one file)
                  --force              write into DIR even if it already holds files
                """;
    }

    @Override
    public int run(Args args) throws Exception {
        long shardSize = args.longOption(0, "--shard-size");
        boolean force = args.flag("--force");
        List<String> rest = args.finish();
        if (rest.size() != 2) {
            throw new Args.UsageException("expected IN.gguf DIR, got " + rest.size() + " arguments");
        }
        Path dir = Path.of(rest.get(1));
        try (GgufFile gguf = GgufFile.open(MappedFile.open(Path.of(rest.get(0))))) {
            write(new HfExporter(gguf), dir, shardSize, force);
        }
        System.err.println("exported " + rest.get(0) + " -> " + dir);
        return 0;
    }

    static void write(HfExporter ex, Path dir, long shardSize, boolean force) throws IOException {
        Files.createDirectories(dir);
        text(dir.resolve("config.json"), ex.configJson(), force);
        text(dir.resolve("tokenizer.json"), ex.tokenizerJson(), force);
        text(dir.resolve("tokenizer_config.json"), ex.tokenizerConfigJson(), force);
        List<SafetensorsWriter.Entry> all = ex.tensors();
        List<List<SafetensorsWriter.Entry>> shards = new ArrayList<>();
        List<SafetensorsWriter.Entry> current = new ArrayList<>();
        long size = 0;
        for (SafetensorsWriter.Entry e : all) {
            if (shardSize > 0 && !current.isEmpty() && size + e.byteSize() > shardSize) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(e);
            size += e.byteSize();
        }
        shards.add(current);
        if (shards.size() == 1) {
            List<SafetensorsWriter.Entry> only = shards.get(0);
            OutputFile.write(dir.resolve("model.safetensors"), force,
                    out -> SafetensorsWriter.write(only, Map.of("format", "pt"), out));
            return;
        }
        Map<String, Object> weightMap = new LinkedHashMap<>();
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            List<SafetensorsWriter.Entry> shard = shards.get(i);
            for (SafetensorsWriter.Entry e : shard) {
                weightMap.put(e.name(), name);
                total += e.byteSize();
            }
            OutputFile.write(dir.resolve(name), force, out -> SafetensorsWriter.write(shard, Map.of("format", "pt"), out));
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", total));
        index.put("weight_map", weightMap);
        text(dir.resolve("model.safetensors.index.json"), Json.writePretty(index), force);
    }

    private static void text(Path p, String content, boolean force) throws IOException {
        OutputFile.write(p, force, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }
}
