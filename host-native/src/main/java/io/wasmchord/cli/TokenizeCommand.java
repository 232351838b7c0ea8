package io.wasmchord.cli;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.host.MappedFile;
import io.wasmchord.tokenizer.Tokenizer;
import io.wasmchord.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code chord tokenize -m FILE "text"}: a GGUF vocabulary's tokens for a text, like llama.cpp's llama-tokenize. */
final class TokenizeCommand implements Command {
    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String summary() {
        return "show the tokens a model's vocabulary makes of a text";
    }

    @Override
    public String help() {
        return """
                usage: ./chord tokenize -m FILE.gguf [options] "text"
                       ./chord tokenize -m FILE.gguf [options] -f TEXT_FILE

                Tokenizes the text with the vocabulary in the GGUF file's tokenizer.ggml.* metadata, exactly as
                llama.cpp does, and prints one line per token: its id and the text it stands for, as llama.cpp's
                llama-tokenize prints them. Special tokens written in the text (like <s>) are recognized.

                options:
                  -m, --model FILE       the GGUF file (a model or a vocabulary-only file)
                  -p, --prompt TEXT      the text (instead of the positional argument)
                  -f, --file FILE        read the text from a file (UTF-8) instead of the command line
                  --stdin                read the text from standard input
                  --ids                  print only the ids, space-separated, on one line
                  --no-bos               leave out the BOS/EOS tokens the vocabulary would add
                  --no-parse-special     treat special-token text as ordinary text
                  --show-count           print the number of tokens at the end
                """;
    }

    @Override
    public int run(Args args) throws Exception {
        String model = args.required("(the GGUF file)", "-m", "--model");
        String file = args.option("-f", "--file");
        boolean stdin = args.flag("--stdin");
        boolean idsOnly = args.flag("--ids");
        boolean noBos = args.flag("--no-bos");
        boolean noParseSpecial = args.flag("--no-parse-special");
        boolean showCount = args.flag("--show-count");
        String prompt = args.option("-p", "--prompt");
        List<String> rest = args.finish();
        String text = text(prompt, file, stdin, rest);

        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (GgufFile gguf = GgufFile.open(MappedFile.open(Path.of(model)))) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
            int[] ids = tokenizer.encode(text, !noBos, !noParseSpecial);
            out.print(idsOnly ? idLine(ids) : tokenLines(tokenizer, ids));
            if (showCount) {
                out.println("Total number of tokens: " + ids.length);
            }
        }
        out.flush();
        return 0;
    }

    private static String text(String prompt, String file, boolean stdin, List<String> rest) throws IOException {
        int sources = (prompt != null ? 1 : 0) + (file != null ? 1 : 0) + (stdin ? 1 : 0) + (rest.isEmpty() ? 0 : 1);
        if (sources != 1 || rest.size() > 1) {
            throw new Args.UsageException(rest.size() > 1 ? "expected the text as one argument (quote it), got "
                    + rest.size() : "give the text once: as an argument, with -p, -f FILE or --stdin");
        }
        if (file != null) {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        }
        if (stdin) {
            return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return prompt != null ? prompt : rest.get(0);
    }

    static String idLine(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : " ").append(ids[i]);
        }
        return sb.append('\n').toString();
    }

    /** {@code id -> 'piece'} lines; a piece that is only part of a character shows its bytes escaped. */
    static String tokenLines(Tokenizer tokenizer, int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            byte[] piece = tokenizer.pieceBytes(id, true);
            String shown = wholeCharacters(piece);
            sb.append(String.format("%6d -> '", id));
            if (shown != null) {
                sb.append(shown).append("'\n");
            } else {
                for (byte b : piece) {
                    sb.append(String.format("\\x%02X", b & 0xFF));
                }
                sb.append("' (part of a character)\n");
            }
        }
        return sb.toString();
    }

    private static String wholeCharacters(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
