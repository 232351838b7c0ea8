package io.wasmchord.cli;

import io.wasmchord.generate.Generation;
import io.wasmchord.generate.GenerationOptions;
import io.wasmchord.generate.LoadedModel;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.generate.Session;
import io.wasmchord.generate.StopReason;
import io.wasmchord.generate.Usage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code chord chat}: turns typed at a prompt, each continuing one growing transcript in plain text
 * (no chat template yet). The session keeps its cache between turns, so only the new text is computed.
 */
final class ChatCommand implements Command {
    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String summary() {
        return "talk to a model turn by turn (plain text continuation, cache kept between turns)";
    }

    @Override
    public String help() {
        return """
                usage: ./chord chat -m MODEL.gguf [options]

                Reads a line, appends it to the transcript and lets the model continue the transcript; the
                reply is streamed and becomes part of the transcript too. The KV cache is kept between turns,
                so each turn computes only its new tokens. Commands: /reset forgets the transcript, /exit
                (or end of input) quits. Until chat templates arrive the transcript is plain text.

                options:
                  -m, --model FILE     the GGUF model
                  -n, --n-predict N    tokens per reply at most (default 128)
                  -c, --ctx-size N     context size in tokens (default: the model's trained context)
                  --system TEXT        text the transcript starts with
                  --stop TEXT          end a reply when it contains TEXT (repeatable; default: a blank line)
                """ + ModelLoader.THREADS_HELP + SamplingOptions.HELP;
    }

    @Override
    public int run(Args args) throws Exception {
        String model = args.required("FILE", "-m", "--model");
        int n = args.intOption(128, "-n", "--n-predict");
        int ctx = args.intOption(0, "-c", "--ctx-size");
        int threads = args.intOption(0, "-t", "--threads");
        String system = args.optionOr("", "--system");
        List<String> stops = SamplingOptions.stops(args);
        var sampling = SamplingOptions.read(args);
        args.finish();
        if (stops.isEmpty()) {
            stops = List.of("\n\n");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Kernels kernels = null;
        try (LoadedModel loaded = ModelLoader.load(model, false)) {
            kernels = ModelLoader.kernels(threads, loaded, ctx);
            Session session = loaded.newSession(ctx, kernels);
            GenerationOptions options = new GenerationOptions(n, sampling, stops, false, true);
            StringBuilder transcript = new StringBuilder(system);
            System.err.println("chord chat: type a line and press enter; /reset starts over, /exit quits");
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.equals("/exit")) {
                    break;
                }
                if (line.equals("/reset")) {
                    transcript.setLength(0);
                    transcript.append(system);
                    session.reset();
                    continue;
                }
                if (!transcript.isEmpty()) {
                    transcript.append('\n');
                }
                transcript.append(line);
                Generation g = session.generate(transcript.toString(), options);
                for (String w : g.warnings()) {
                    System.err.println("chord chat: warning: " + w);
                }
                String reply = g.collect(piece -> {
                    out.print(piece);
                    out.flush();
                });
                out.println();
                transcript.append(reply);
                Usage u = g.usage();
                System.err.printf("[%d prompt tokens, %d reused; %d generated at %.1f tok/s%s]%n", u.promptTokens(),
                        u.reusedTokens(), u.generatedTokens(), u.decodeTokensPerSecond(),
                        u.stopReason() == StopReason.CONTEXT_FULL ? "; context full, /reset to start over" : "");
            }
        } finally {
            ModelLoader.release(kernels);
        }
        return 0;
    }
}
