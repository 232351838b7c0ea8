package io.wasmchord.cli;

import io.wasmchord.gguf.GgufException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point of {@code ./chord}: picks the subcommand and turns failures into clear messages. */
public final class Chord {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.<Command>of(
                new GenerateCommand(),
                new ChatCommand(),
                new PerplexityCommand(),
                new InfoCommand(),
                new TokenizeCommand(),
                new QuantizeCommand(),
                new ConvertLlama2cCommand(),
                new ConvertHfCommand(),
                new ExportHfCommand(),
                new KldCommand(),
                new QualityReportCommand(),
                new SynthCommand(),
                new BenchCommand(),
                new StartupTrainingCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Chord() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.print(overview());
            return argv.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(argv[0]);
        if (command == null) {
            System.err.println("chord: unknown command \"" + argv[0] + "\"\n");
            System.err.print(overview());
            return 2;
        }
        Args args = new Args(Arrays.asList(argv).subList(1, argv.length));
        if (args.wantsHelp()) {
            System.out.print(command.help());
            return 0;
        }
        try {
            return command.run(args);
        } catch (Args.UsageException e) {
            System.err.println("chord " + command.name() + ": " + e.getMessage() + "\n");
            System.err.print(command.help());
            return 2;
        } catch (NoSuchFileException e) {
            System.err.println("chord " + command.name() + ": no such file: " + e.getFile());
            return 1;
        } catch (GgufException e) {
            System.err.println("chord " + command.name() + ": " + e.getMessage());
            return 1;
        } catch (OutOfMemoryError e) {
            System.err.println("chord " + command.name() + ": out of memory (" + e.getMessage()
                    + "); give the JVM more with JAVA_OPTS=-Xmx..., or use a smaller model or context");
            return 1;
        } catch (Exception e) {
            System.err.println("chord " + command.name() + ": " + e.getMessage());
            if (System.getenv("CHORD_DEBUG") != null) {
                e.printStackTrace();
            }
            return 1;
        }
    }

    private static String overview() {
        StringBuilder sb = new StringBuilder("usage: ./chord <command> [options]   (./chord <command> --help for more)\n\ncommands:\n");
        for (Command c : COMMANDS.values()) {
            sb.append(String.format("  %-16s %s%n", c.name(), c.summary()));
        }
        return sb.toString();
    }
}
