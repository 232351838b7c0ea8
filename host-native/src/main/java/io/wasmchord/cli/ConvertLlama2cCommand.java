package io.wasmchord.cli;

import io.wasmchord.convert.Llama2cCheckpoint;
import io.wasmchord.convert.Llama2cConverter;
import io.wasmchord.convert.Llama2cVocab;
import io.wasmchord.host.MappedFile;
import java.nio.file.Path;
import java.util.List;

/** {@code chord convert-llama2c MODEL.bin TOKENIZER.bin OUT.gguf}: llama2.c checkpoints to GGUF. */
final class ConvertLlama2cCommand implements Command {
    @Override
    public String name() {
        return "convert-llama2c";
    }

    @Override
    public String summary() {
        return "convert a llama2.c checkpoint and tokenizer to GGUF (F32)";
    }

    @Override
    public String help() {
        return """
                usage: ./chord convert-llama2c [options] MODEL.bin TOKENIZER OUT.gguf

                Converts a llama2.c checkpoint (the model.bin of karpathy/llama2.c, legacy version 0 format) to
                an F32 GGUF file laid out exactly as llama.cpp's convert-llama2c-to-ggml writes it. TOKENIZER is
                a llama2.c tokenizer.bin, or a GGUF file whose llama vocabulary is copied.

                options:
                  --context-length N   llama.context_length to record (default: the checkpoint's seq_len;
                                       llama.cpp's converter always writes 128)
                  --force              overwrite OUT.gguf if it exists
                """;
    }

    @Override
    public int run(Args args) throws Exception {
        int contextLength = args.intOption(-1, "--context-length");
        boolean force = args.flag("--force");
        List<String> rest = args.finish();
        if (rest.size() != 3) {
            throw new Args.UsageException("expected MODEL.bin TOKENIZER OUT.gguf, got " + rest.size() + " arguments");
        }
        Path out = Path.of(rest.get(2));
        OutputFile.checkWritable(out, force);
        try (MappedFile model = MappedFile.open(Path.of(rest.get(0)));
             MappedFile tokenizer = MappedFile.open(Path.of(rest.get(1)))) {
            Llama2cCheckpoint ck = Llama2cCheckpoint.read(model);
            Llama2cVocab vocab = Llama2cVocab.read(tokenizer, ck.vocabSize);
            int ctx = contextLength > 0 ? contextLength : ck.seqLen;
            OutputFile.write(out, force, stream -> Llama2cConverter.writer(ck, vocab, ctx).write(stream));
            System.err.println("converted " + ck.describe() + " -> " + out);
        }
        return 0;
    }
}
