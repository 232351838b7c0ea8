package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** chord quality-report writes its table and charts, with the base as the zero point. */
class QualityReportCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTableAndCharts() throws Exception {
        Path shared = QuantizeCommandTest.shared();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Chord.run(new String[] {"quality-report", "--types", "F16,Q4_0", "-o", dir.toString(),
                "-f", shared.resolve("ppl_text.txt").toString(), shared.resolve("stories260K/stories260K-F32.gguf").toString()});
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertEquals(0, code);
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| base (F32) | 1,185,376 | 32.39 |"), md);
        assertTrue(md.contains("| F16 | 601,248 | 16.43 |"), md);
        // the quantized file is llama-quantize's, byte for byte: same size, and llama-perplexity's PPL within 1%
        long q4Size = Files.size(shared.resolve("stories260K/stories260K-Q4_0.gguf"));
        String q4Row = md.lines().filter(l -> l.startsWith("| Q4_0 |")).findFirst().orElseThrow();
        String[] cells = q4Row.split("\\|");
        assertEquals(q4Size, Long.parseLong(cells[2].trim().replace(",", "")), q4Row);
        double llamaPpl = KldCommandTest.pplOf(Files.readString(shared.resolve("stories260K/ref/perplexity/summary.json")),
                "stories260K-Q4_0");
        assertEquals(llamaPpl, Double.parseDouble(cells[4].trim()), llamaPpl * 0.01, q4Row);
        assertTrue(Files.readString(dir.resolve("quality.svg")).startsWith("<svg"));
        byte[] png = Files.readAllBytes(dir.resolve("quality.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(Files.list(dir).noneMatch(p -> p.toString().endsWith(".gguf")), "quantized files are removed");
    }
}
