package io.wasmchord.cli;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.host.MappedFile;
import io.wasmchord.tools.ModelShape;
import io.wasmchord.tools.QuantMix;
import io.wasmchord.tools.SynthVocab;
import io.wasmchord.tools.SyntheticModel;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/** {@code chord synth}: random-weight GGUF files of real model shapes, for benchmarks. */
final class SynthCommand implements Command {
    @Override
    public String name() {
        return "synth";
    }

    @Override
    public String summary() {
        return "write a random-weight GGUF model of a real shape (for benchmarks)";
    }

    @Override
    public String help() {
        StringBuilder shapes = new StringBuilder();
        for (ModelShape s : ModelShape.KNOWN) {
            shapes.append(String.format("                    %-15s dim %d, ffn %d, %d layers, %d heads (%d kv), vocab %d, ~%.2fB weights%n",
                    s.name(), s.dim(), s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.vocab(), s.parameterCount() / 1e9));
        }
        return """
                usage: ./chord synth --shape SHAPE --type TYPE [options] OUT.gguf

                Writes a Llama model with random weights and the exact shape, metadata, tensor names and
                per-tensor block types that llama.cpp's converter and llama-quantize produce, so llama.cpp
                and chord load the same file. The weights are streamed: memory use stays small for any size.

                Weights are random bits in the block format with random scales sized so the values spread
                about 0.02 (norm weights near 1); they are not the output of a quantizer. The text such a
                model writes is meaningless: these files are for measuring speed and memory.

                options:
                  --shape SHAPE   one of:
                %s  --type TYPE     a llama-quantize file type: %s
                                  (mixtures as llama-quantize picks them, e.g. Q4_K_M keeps output in Q6_K and
                                  bumps some attn_v/ffn_down to Q6_K), or BLOCKTYPE-pure (e.g. Q4_K-pure) for
                                  one block type everywhere
                  --vocab FILE    copy the SentencePiece vocabulary of FILE.gguf (e.g.
                                  ../shared/models/stories260K/stories260K-F32.gguf), padded with unused
                                  tokens to the shape's vocabulary size; default: a byte-level vocabulary
                  --seed N        random seed (default 1); the same seed writes the same file
                  --format F      gguf (default); llama2c: OUT is the llama2.c checkpoint (--type F32) and
                                  OUT's stem + .tokenizer.bin its tokenizer; safetensors: OUT is a Hugging Face
                                  directory (--type F32, F16 or BF16), for timing the converters
                  --shard-size B  with --format safetensors: shards of about B bytes plus an index
                """.formatted(shapes, QuantMix.names());
    }

    @Override
    public int run(Args args) throws Exception {
        String shapeName = args.required("(stories110m, tinyllama-1.1b, llama-7b)", "--shape");
        String typeName = args.required("(e.g. Q8_0, Q4_0, Q4_K_M)", "--type");
        String vocabFile = args.option("--vocab");
        long seed = args.longOption(1, "--seed");
        String format = args.optionOr("gguf", "--format");
        long shardSize = args.longOption(0, "--shard-size");
        if (!List.of("gguf", "llama2c", "safetensors").contains(format)) {
            throw new Args.UsageException("unknown --format \"" + format + "\"; valid: gguf, llama2c, safetensors");
        }
        List<String> files = args.finish();
        if (files.size() != 1) {
            throw new Args.UsageException("expected one output file, got " + files.size());
        }
        ModelShape shape = ModelShape.byName(shapeName);
        if (shape == null) {
            throw new Args.UsageException("unknown shape \"" + shapeName + "\"");
        }
        QuantMix mix = QuantMix.byName(typeName);
        if (mix == null) {
            throw new Args.UsageException("unknown or unsupported type \"" + typeName + "\"");
        }
        Map<String, GgufValue> vocab;
        if (vocabFile == null) {
            vocab = SynthVocab.byteLevel(shape.vocab());
        } else {
            try (GgufFile source = GgufFile.open(MappedFile.open(Path.of(vocabFile)))) {
                vocab = SynthVocab.copiedFrom(source, shape.vocab());
            }
        }
        Path out = Path.of(files.get(0));
        if (!format.equals("gguf")) {
            return SynthForms.write(format, out, shardSize, sink -> SyntheticModel.writer(shape, mix, vocab, seed).write(sink),
                    mix.name());
        }
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        long start = System.nanoTime();
        try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
            SyntheticModel.writer(shape, mix, vocab, seed).write(sink);
        } catch (Exception e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("%s: %s %s, %,d bytes in %.1f s%n", out, shape.name(), mix.name(), Files.size(out),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
