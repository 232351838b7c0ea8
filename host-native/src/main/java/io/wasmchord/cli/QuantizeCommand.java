package io.wasmchord.cli;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.ParallelTensorEncoder;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.quantize.FileType;
import io.wasmchord.quantize.GgufQuantizer;
import io.wasmchord.quantize.QuantizeOptions;
import io.wasmchord.quantize.QuantizePlan;
import io.wasmchord.quantize.Quantizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code chord quantize IN OUT TYPE}: llama-quantize in Java, byte for byte the same output. */
final class QuantizeCommand implements Command {
    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public String summary() {
        return "quantize a GGUF model (as llama-quantize, same bytes)";
    }

    @Override
    public String help() {
        return """
                usage: ./chord quantize [options] IN.gguf OUT.gguf TYPE

                Writes OUT.gguf with IN.gguf's metadata and every weight matrix converted to TYPE (or, in the
                K mixtures, to the type llama-quantize picks for that tensor). The output is byte for byte what
                llama-quantize (without an importance matrix) writes. 1-D tensors and norms stay as they are.
                Rows whose length the block does not divide fall back as llama.cpp does (Q4_K -> Q5_0,
                Q6_K -> Q8_0, ..., F16 when no block fits).

                TYPE: %s

                options:
                  --pure                       every quantizable tensor gets TYPE's base type (no mixture rules)
                  --output-tensor-type T       type of output.weight (a ggml type name, e.g. Q8_0, F16)
                  --token-embedding-type T     type of token_embd.weight
                  --leave-output-tensor        keep output.weight as it is
                  --allow-requantize           accept an input that is already quantized (loses quality)
                  --threads N                  worker threads (default: all cores)
                  --force                      overwrite OUT.gguf if it exists
                  --quiet                      no progress bar or summary
                """.formatted(FileType.names());
    }

    @Override
    public int run(Args args) throws Exception {
        boolean pure = args.flag("--pure");
        boolean allowRequantize = args.flag("--allow-requantize");
        boolean leaveOutput = args.flag("--leave-output-tensor");
        boolean force = args.flag("--force");
        boolean quiet = args.flag("--quiet", "-q");
        int threads = args.intOption(Runtime.getRuntime().availableProcessors(), "--threads", "-t");
        GgmlType outputType = tensorType(args.option("--output-tensor-type"), "--output-tensor-type");
        GgmlType tokenType = tensorType(args.option("--token-embedding-type"), "--token-embedding-type");
        List<String> rest = args.finish();
        if (rest.size() != 3) {
            throw new Args.UsageException("expected IN.gguf OUT.gguf TYPE, got " + rest.size() + " arguments");
        }
        Path in = Path.of(rest.get(0));
        Path out = Path.of(rest.get(1));
        FileType fileType = FileType.byName(rest.get(2));
        if (fileType == null) {
            throw new Args.UsageException("unknown type \"" + rest.get(2) + "\"; valid types: " + FileType.names());
        }
        if (threads < 1) {
            throw new Args.UsageException("--threads must be at least 1");
        }
        if (Files.exists(out) && Files.exists(in) && Files.isSameFile(in, out)) {
            throw new Args.UsageException("input and output are the same file");
        }
        OutputFile.checkWritable(out, force);
        QuantizeOptions options = QuantizeOptions.of(fileType).withPure(pure).withOutputTensorType(outputType)
                .withTokenEmbeddingType(tokenType).withAllowRequantize(allowRequantize)
                .withQuantizeOutputTensor(!leaveOutput);
        long start = System.nanoTime();
        try (GgufFile gguf = GgufFile.open(MappedFile.open(in))) {
            QuantizePlan plan = QuantizePlan.of(gguf, options);
            long inputBytes = 0;
            for (QuantizePlan.Item i : plan.items()) {
                inputBytes += i.source().byteSize();
            }
            ProgressBar bar = new ProgressBar(inputBytes, !quiet);
            try (ParallelTensorEncoder encoder = new ParallelTensorEncoder(threads, bar::advance)) {
                OutputFile.write(out, force, stream -> GgufQuantizer.write(gguf, plan,
                        (file, item, sink) -> {
                            bar.label(item.source().name() + " -> " + item.target().displayName);
                            encoder.encode(file, item, sink);
                        }, stream));
            } finally {
                bar.finish();
            }
            if (!quiet) {
                System.err.print(summary(plan, inputBytes, Files.size(out), (System.nanoTime() - start) / 1e9));
            }
        }
        return 0;
    }

    private static GgmlType tensorType(String name, String option) {
        if (name == null) {
            return null;
        }
        GgmlType t = GgmlType.byName(name);
        if (t == null || !Quantizers.supports(t)) {
            StringBuilder valid = new StringBuilder();
            for (GgmlType s : Quantizers.supported()) {
                valid.append(valid.length() == 0 ? "" : ", ").append(s.displayName);
            }
            throw new Args.UsageException(option + ": unknown or unsupported type \"" + name + "\"; valid types: " + valid);
        }
        return t;
    }

    private static String summary(QuantizePlan plan, long inBytes, long outBytes, double seconds) {
        long elements = 0;
        java.util.Map<GgmlType, Integer> counts = new java.util.TreeMap<>();
        for (QuantizePlan.Item i : plan.items()) {
            elements += i.source().elementCount();
            counts.merge(i.target(), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("tensor data %.2f MiB (%.2f bpw) -> %.2f MiB (%.2f bpw); file %.2f MiB, %.1f s%n",
                inBytes / 1048576.0, inBytes * 8.0 / Math.max(1, elements), plan.outputTensorBytes() / 1048576.0,
                plan.outputTensorBytes() * 8.0 / Math.max(1, elements), outBytes / 1048576.0, seconds));
        sb.append("tensor types:");
        counts.forEach((t, n) -> sb.append(' ').append(t.displayName).append(" x").append(n));
        sb.append('\n');
        if (plan.fallbacks() > 0) {
            sb.append(plan.fallbacks()).append(" tensor(s) fell back to another type because of their row length\n");
        }
        return sb.toString();
    }
}
