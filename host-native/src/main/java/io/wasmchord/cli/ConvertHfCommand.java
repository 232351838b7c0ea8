package io.wasmchord.cli;

import io.wasmchord.convert.HfLlamaConverter;
import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.HfDirectory;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.ParallelTensorEncoder;
import io.wasmchord.quantize.FileType;
import io.wasmchord.quantize.GgufQuantizer;
import io.wasmchord.quantize.QuantizeOptions;
import io.wasmchord.quantize.QuantizePlan;
import io.wasmchord.quantize.TensorEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code chord convert-hf DIR OUT.gguf}: a Hugging Face Llama-family directory to GGUF. */
final class ConvertHfCommand implements Command {
    @Override
    public String name() {
        return "convert-hf";
    }

    @Override
    public String summary() {
        return "convert a Hugging Face Llama/Mistral/Qwen2/Qwen3 directory (safetensors) to GGUF";
    }

    @Override
    public String help() {
        return """
                usage: ./chord convert-hf [options] DIR OUT.gguf

                Converts a Hugging Face model directory (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM,
                Qwen3ForCausalLM) to GGUF the way llama.cpp's
                convert_hf_to_gguf.py does: config.json, *.safetensors (one file or shards listed in
                model.safetensors.index.json), tokenizer.model or tokenizer.json, tokenizer_config.json (special
                tokens, add_bos/add_eos, chat template). Llama q_proj/k_proj rows are permuted to llama.cpp's
                rotary layout; Llama 3.1 rope scaling becomes rope_freqs.weight. Norms and 1-D tensors stay F32.

                options:
                  --type T     f32, f16, bf16, q8_0 or auto (bf16 if the weights are bf16, else f16), as
                               convert_hf_to_gguf.py; default f16. Any other ./chord quantize type (Q4_K_M, ...)
                               converts to F32 in a temporary file beside OUT, then quantizes it as llama-quantize
                               would the F32 file.
                  --pre NAME   tokenizer.ggml.pre for a byte-level BPE tokenizer that is not recognised
                  --force      overwrite OUT.gguf if it exists
                """;
    }

    @Override
    public int run(Args args) throws Exception {
        String typeName = args.optionOr("f16", "--type");
        String pre = args.option("--pre");
        boolean force = args.flag("--force");
        List<String> rest = args.finish();
        if (rest.size() != 2) {
            throw new Args.UsageException("expected DIR OUT.gguf, got " + rest.size() + " arguments");
        }
        Path out = Path.of(rest.get(1));
        OutputFile.checkWritable(out, force);
        try (HfDirectory dir = HfDirectory.open(Path.of(rest.get(0)))) {
            FileType type;
            if (typeName.equalsIgnoreCase("auto")) {
                type = HfLlamaConverter.autoType(dir.files());
            } else {
                type = FileType.byName(typeName);
                if (type == null) {
                    throw new Args.UsageException("unknown --type \"" + typeName + "\"; valid: auto, " + FileType.names());
                }
            }
            if (HfLlamaConverter.OUTPUT_TYPES.contains(type)) {
                OutputFile.write(out, force, stream -> HfLlamaConverter.writer(dir.files(), type, pre).write(stream));
            } else {
                convertThenQuantize(dir, pre, type, out, force);
            }
            System.err.println("converted " + rest.get(0) + " -> " + out + " (" + type.displayName + ")");
        }
        return 0;
    }

    private static void convertThenQuantize(HfDirectory dir, String pre, FileType type, Path out, boolean force)
            throws java.io.IOException {
        Path f32 = out.toAbsolutePath().resolveSibling(out.getFileName() + ".f32.tmp");
        try {
            OutputFile.write(f32, true, stream -> HfLlamaConverter.writer(dir.files(), FileType.ALL_F32, pre).write(stream));
            try (GgufFile gguf = GgufFile.open(MappedFile.open(f32));
                 ParallelTensorEncoder encoder = new ParallelTensorEncoder(Runtime.getRuntime().availableProcessors(),
                         TensorEncoder.ProgressListener.NONE)) {
                QuantizePlan plan = QuantizePlan.of(gguf, QuantizeOptions.of(type));
                OutputFile.write(out, force, stream -> GgufQuantizer.write(gguf, plan, encoder, stream));
            }
        } finally {
            Files.deleteIfExists(f32);
        }
    }
}
