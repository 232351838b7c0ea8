package io.wasmchord.cli;

import io.wasmchord.generate.KlDivergence;
import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.ParallelTensorEncoder;
import io.wasmchord.quantize.FileType;
import io.wasmchord.quantize.GgufQuantizer;
import io.wasmchord.quantize.QuantizeOptions;
import io.wasmchord.quantize.QuantizePlan;
import io.wasmchord.quantize.TensorEncoder;
import io.wasmchord.tools.QualityChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code chord quality-report BASE.gguf}: every quantization of a model, its size against its quality. */
final class QualityReportCommand implements Command {
    /** From most to fewest bits; F32 and the base's own type are measured too, as the reference points. */
    static final List<FileType> TYPES = List.of(FileType.MOSTLY_F16, FileType.MOSTLY_BF16, FileType.MOSTLY_Q8_0,
            FileType.MOSTLY_Q6_K, FileType.MOSTLY_Q5_K_M, FileType.MOSTLY_Q5_K_S, FileType.MOSTLY_Q5_1,
            FileType.MOSTLY_Q5_0, FileType.MOSTLY_Q4_K_M, FileType.MOSTLY_Q4_K_S, FileType.MOSTLY_Q4_1,
            FileType.MOSTLY_Q4_0, FileType.MOSTLY_IQ4_NL, FileType.MOSTLY_IQ4_XS, FileType.MOSTLY_Q3_K_L,
            FileType.MOSTLY_Q3_K_M, FileType.MOSTLY_Q3_K_S, FileType.MOSTLY_Q2_K);

    /** One measured file. */
    record Row(String type, long bytes, double bpw, double ppl, double meanKld, double kld99, double sameTop,
               double maxLogitDiff, String error) {
    }

    @Override
    public String name() {
        return "quality-report";
    }

    @Override
    public String summary() {
        return "quantize a model to every type and chart size against perplexity and KL divergence";
    }

    @Override
    public String help() {
        return """
                usage: ./chord quality-report [options] BASE.gguf

                Quantizes BASE (F32, F16 or BF16) to every file type, then measures each file: size, bits per
                weight, perplexity on TEXT, and KL divergence / top-1 agreement / max logit difference against
                BASE (as ./chord kld). Writes report.md (a table), quality.svg and quality.png (size against
                KL divergence and perplexity) into the output directory. Types that cannot be run are listed
                with the reason.

                options:
                  -f, --file TEXT      the text to score (default ../shared/models/ppl_text.txt)
                  -c, --ctx-size N     tokens per chunk (default 128)
                  --chunks K           use only the first K chunks
                  -o, --out DIR        where to write the report (default quality-report-<model>)
                  --types T,T,...      only these file types (default: all of them)
                  --keep               keep the quantized files in DIR
                  --threads N          quantization and compute threads (default: all cores)
                """;
    }

    @Override
    public int run(Args args) throws Exception {
        String text = args.option("-f", "--file");
        int ctx = args.intOption(128, "-c", "--ctx-size");
        int chunks = args.intOption(-1, "--chunks");
        String outOption = args.option("-o", "--out");
        String typeList = args.option("--types");
        boolean keep = args.flag("--keep");
        int threads = args.intOption(Runtime.getRuntime().availableProcessors(), "--threads", "-t");
        List<String> rest = args.finish();
        if (rest.size() != 1) {
            throw new Args.UsageException("expected one BASE.gguf, got " + rest.size() + " arguments");
        }
        Path base = Path.of(rest.get(0));
        String model = base.getFileName().toString().replaceFirst("\\.gguf$", "");
        Path out = Path.of(outOption != null ? outOption : "quality-report-" + model);
        Path textFile = Path.of(text != null ? text : "../shared/models/ppl_text.txt");
        String content = Files.readString(textFile, StandardCharsets.UTF_8);
        List<FileType> types = TYPES;
        if (typeList != null) {
            types = new ArrayList<>();
            for (String t : typeList.split(",")) {
                FileType ft = FileType.byName(t.trim());
                if (ft == null) {
                    throw new Args.UsageException("unknown type \"" + t + "\"; valid types: " + FileType.names());
                }
                types.add(ft);
            }
        }
        Files.createDirectories(out);
        List<Row> rows = new ArrayList<>();
        long elements;
        try (GgufFile gguf = GgufFile.open(MappedFile.open(base));
             KldCommand.Comparison comparison = new KldCommand.Comparison(base, content, ctx, chunks, true, threads)) {
            elements = weightCount(gguf);
            rows.add(measure("base (" + typeOf(gguf) + ")", base, comparison, elements));
            for (FileType type : types) {
                Path file = out.resolve(model + "-" + type.displayName + ".gguf");
                System.err.println("quality-report: " + type.displayName);
                try {
                    quantize(gguf, type, file, threads);
                    rows.add(measure(type.displayName, file, comparison, elements));
                } catch (Exception e) {
                    rows.add(new Row(type.displayName, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                            String.valueOf(e.getMessage())));
                } finally {
                    if (!keep) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
        String title = model + ": size against quality (" + textFile.getFileName() + ", context " + ctx + ")";
        Files.writeString(out.resolve("report.md"), markdown(title, rows), StandardCharsets.UTF_8);
        QualityChart chart = QualityChart.of(title, rows.stream().filter(r -> r.error() == null)
                .map(r -> new QualityChart.Point(r.type(), r.bpw(), r.meanKld(), r.ppl())).toList());
        Files.writeString(out.resolve("quality.svg"), chart.svg(), StandardCharsets.UTF_8);
        chart.writePng(out.resolve("quality.png"));
        System.out.print(markdown(title, rows));
        System.err.println("quality-report: wrote " + out.resolve("report.md") + ", quality.svg, quality.png");
        return 0;
    }

    private static String typeOf(GgufFile gguf) {
        FileType t = FileType.byId(gguf.getLong("general.file_type", 0));
        return t == null ? "file type " + gguf.getLong("general.file_type", -1) : t.displayName;
    }

    private static long weightCount(GgufFile gguf) {
        long n = 0;
        for (var t : gguf.tensors()) {
            n += t.elementCount();
        }
        return n;
    }

    private static void quantize(GgufFile in, FileType type, Path file, int threads) throws IOException {
        QuantizePlan plan = QuantizePlan.of(in, QuantizeOptions.of(type));
        try (ParallelTensorEncoder encoder = new ParallelTensorEncoder(threads, TensorEncoder.ProgressListener.NONE)) {
            OutputFile.write(file, true, stream -> GgufQuantizer.write(in, plan, encoder, stream));
        }
    }

    private static Row measure(String label, Path file, KldCommand.Comparison comparison, long elements)
            throws Exception {
        long bytes = Files.size(file);
        KlDivergence.Result r = comparison.against(file, false);
        return new Row(label, bytes, bytes * 8.0 / elements, r.ppl(), r.meanKld(), r.kld99(), r.sameTop(),
                r.maxLogitDiff(), null);
    }

    static String markdown(String title, List<Row> rows) {
        StringBuilder sb = new StringBuilder("## " + title + "\n\n");
        sb.append("| type | file size | bits/weight | PPL | ln(PPL/PPL base) | mean KLD | KLD 99% | same top-1 | max abs dlogit |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double basePpl = rows.isEmpty() ? Double.NaN : rows.get(0).ppl();
        for (Row r : rows) {
            if (r.error() != null) {
                sb.append("| ").append(r.type()).append(" | n/a: ").append(r.error().replace('|', '/'))
                        .append(" | | | | | | | |\n");
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %.4f | %+.5f | %.6f | %.6f | %.2f%% | %.4f |%n",
                    r.type(), r.bytes(), r.bpw(), r.ppl(), Math.log(r.ppl() / basePpl), r.meanKld(), r.kld99(),
                    100 * r.sameTop(), r.maxLogitDiff()));
        }
        return sb.toString();
    }
}
