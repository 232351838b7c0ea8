package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** chord generate / perplexity / chat end to end on stories260K against llama.cpp's outputs. */
class GenerationCommandsTest {
    private record Result(int code, String out, String err) {
    }

    private static Path shared() {
        String p = System.getProperty("shared.models");
        return p != null ? Path.of(p) : Path.of("").toAbsolutePath().getParent().resolve("../shared/models").normalize();
    }

    private static String model() {
        return shared().resolve("stories260K/stories260K-F32.gguf").toString();
    }

    private static Result run(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int code = Chord.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    @Test
    void generateStreamsLlamaCppsGreedyTextToStdout() throws Exception {
        Result r = run("", "generate", "-m", model(), "-p", "Once upon a time", "--temp", "0", "-n", "64");
        assertEquals(0, r.code(), r.err());
        String gen = Files.readString(shared().resolve("stories260K/ref/gen/stories260K-F32.txt"));
        Matcher m = Pattern.compile("prompt: 'Once upon a time'\\n.*?\\ntext: Once upon a time(.*?)\\n\\n", Pattern.DOTALL).matcher(gen + "\n\n");
        assertTrue(m.find());
        assertEquals(m.group(1) + "\n", r.out());
        assertTrue(r.err().contains("generated 64 tokens"), r.err());
    }

    @Test
    void perplexityPrintsLlamaCppsFinalEstimate() {
        Result r = run("", "perplexity", "-m", model(), "-f", shared().resolve("ppl_text.txt").toString(), "-c", "128");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().trim().split("\n");
        String last = lines[lines.length - 1];
        Matcher m = Pattern.compile("Final estimate: PPL = (\\d+\\.\\d{4}) \\+/- (\\d+\\.\\d{5})").matcher(last);
        assertTrue(m.matches(), last);
        // llama-perplexity on this file: 4.1150 +/- 0.36434 (perplexity/summary.json)
        assertEquals(4.1150, Double.parseDouble(m.group(1)), 4.1150 * 0.001);
        assertEquals(0.36434, Double.parseDouble(m.group(2)), 0.36434 * 0.01);
        assertTrue(lines[0].startsWith("[1]3.95"), lines[0]);
    }

    @Test
    void chatContinuesTheTranscriptAndReusesTheCache() {
        Result r = run("Once upon a time\nThe dog\n/exit\n", "chat", "-m", model(), "--temp", "0", "-n", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(", there was a little girl named Lily."), r.out());
        Matcher m = Pattern.compile("\\[(\\d+) prompt tokens, (\\d+) reused").matcher(r.err());
        assertTrue(m.find() && m.find(), r.err());
        assertTrue(Integer.parseInt(m.group(2)) > 20, "second turn reused " + m.group(2) + " tokens");
    }

    @Test
    void aPromptLongerThanTheContextIsAClearError() {
        Result r = run("", "generate", "-m", model(), "-p", "Once upon a time there was a dog", "-c", "4");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("context of 4"), r.err());
    }
}
