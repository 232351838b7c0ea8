package io.wasmchord.cli;

import io.wasmchord.convert.HfExporter;
import io.wasmchord.convert.Llama2cWriter;
import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.MappedFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The llama2.c and safetensors forms of a synthetic model: the GGUF is written to a temporary file
 * beside the output, then exported, then removed.
 */
final class SynthForms {
    private SynthForms() {
    }

    static int write(String format, Path out, long shardSize, OutputFile.Content gguf, String type) throws Exception {
        if (format.equals("llama2c") && !type.equals("F32")) {
            throw new Args.UsageException("--format llama2c needs --type F32 (llama2.c checkpoints hold float32)");
        }
        if (format.equals("safetensors") && !type.equals("F32") && !type.equals("F16") && !type.equals("BF16")) {
            throw new Args.UsageException("--format safetensors needs --type F32, F16 or BF16");
        }
        Path dir = out.toAbsolutePath().getParent();
        Path tmp = dir.resolve(out.getFileName() + ".synth.gguf");
        long start = System.nanoTime();
        try {
            OutputFile.write(tmp, true, gguf);
            try (GgufFile model = GgufFile.open(MappedFile.open(tmp))) {
                if (format.equals("llama2c")) {
                    Llama2cWriter w = new Llama2cWriter(model);
                    OutputFile.write(out, true, w::writeModel);
                    OutputFile.write(tokenizerPath(out), true, w::writeTokenizer);
                } else {
                    ExportHfCommand.write(new HfExporter(model), out, shardSize, true);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        System.out.printf("%s: %s form written in %.1f s%n", out, format, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** model.bin -> model.tokenizer.bin */
    static Path tokenizerPath(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".tokenizer.bin");
    }
}
