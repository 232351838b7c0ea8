package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code chord tokenize} on the real files, against the ids llama.cpp recorded for the same prompts. */
class TokenizeCommandTest {
    static Path shared() {
        String p = System.getProperty("shared.models");
        return p != null && Files.isDirectory(Path.of(p)) ? Path.of(p) : Path.of("..", "..", "shared", "models");
    }

    record Result(int code, String out, String err) {
    }

    static Result chord(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Chord.run(args);
            System.out.flush();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void idsOnOneLineMatchLlamaCppPromptIds() {
        String model = shared().resolve("stories260K/stories260K-Q8_0.gguf").toString();
        // prompt_ids of stories260K/ref/gen/stories260K-Q8_0.txt
        assertEquals(new Result(0, "1 403 407 261 378\n", ""), chord("tokenize", "--ids", "-m", model, "Once upon a time"));
        assertEquals(new Result(0, "403 407 261 378\n", ""),
                chord("tokenize", "-m", model, "--ids", "--no-bos", "Once upon a time"));
    }

    @Test
    void tokenLinesShowIdsAndPieces() {
        String model = shared().resolve("stories260K/stories260K-F32.gguf").toString();
        Result r = chord("tokenize", "-m", model, "The little dog🦙");
        assertEquals(0, r.code(), r.err());
        // ids as in prompt_ids of stories260K/ref/gen/stories260K-F32.txt for "The little dog"
        assertEquals("""
                     1 -> '<s>'
                   291 -> ' The'
                   376 -> ' little'
                   400 -> ' do'
                   428 -> 'g'
                   243 -> '\\xF0' (part of a character)
                   162 -> '\\x9F' (part of a character)
                   169 -> '\\xA6' (part of a character)
                   156 -> '\\x99' (part of a character)
                """, r.out());
    }

    @Test
    void specialTokensParsedUnlessToldNot() {
        String vocab = shared().resolve("vocab/ggml-vocab-llama-spm.gguf").toString();
        assertEquals("1 1 6324\n", chord("tokenize", "--ids", "-m", vocab, "<s>Hi").out());
        assertEquals("1 529 29879 29958 18567\n", chord("tokenize", "--ids", "--no-parse-special", "-m", vocab, "<s>Hi").out());
    }

    @Test
    void mistakesAreReportedNotThrown() {
        Result noText = chord("tokenize", "-m", "x.gguf");
        assertEquals(2, noText.code());
        assertTrue(noText.err().contains("give the text"), noText.err());
        Result missing = chord("tokenize", "-m", "/nonexistent/x.gguf", "hi");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }
}
