package io.wasmchord.cli;

import io.wasmchord.tools.ModelShape;
import io.wasmchord.tools.QuantMix;
import io.wasmchord.tools.SynthVocab;
import io.wasmchord.tools.SyntheticModel;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code chord startup-training}: a short, fixed run of the commands people start most, on tiny
 * random-weight models written to a temporary directory. The launcher runs it once per build under
 * {@code -XX:AOTCacheOutput}, so the JVM records which classes {@code chord} loads and links (and their
 * method profiles) into an AOT cache that later starts read instead of parsing jars again. It needs no
 * model file, so it works on a fresh clone.
 */
final class StartupTrainingCommand implements Command {
    /** Small enough to run in well under a second, with the layout of a real Llama (grouped-query attention). */
    private static final ModelShape TINY = new ModelShape("tiny", 64, 192, 2, 8, 4, 512, 128, 1e-5f, 10000f);

    @Override
    public String name() {
        return "startup-training";
    }

    @Override
    public String summary() {
        return "run a fixed short workload (the launcher records the JVM's startup cache from it)";
    }

    @Override
    public String help() {
        return """
                usage: ./chord startup-training

                Writes two tiny random-weight models (F32 and Q8_0) to a temporary directory, runs
                `generate` on each (the F32 one on the kernels chord picks for small models, the Q8_0 one
                on the vector kernels) and `tokenize`, then deletes the directory. The launcher runs this
                under -XX:AOTCacheOutput after each build to write host-native/target/chord.aot; set
                CHORD_NO_AOT=1 to run without that cache. The generated text is meaningless.
                """;
    }

    @Override
    public int run(Args args) throws Exception {
        if (!args.finish().isEmpty()) {
            throw new Args.UsageException("startup-training takes no arguments");
        }
        Path dir = Files.createTempDirectory("chord-startup-training");
        try {
            Path f32 = write(dir, "F32");
            Path q8 = write(dir, "Q8_0");
            int rc = Chord.run(new String[] {"generate", "-m", f32.toString(), "-p", "Once upon a time", "-n", "4"});
            rc |= Chord.run(new String[] {"tokenize", "-m", f32.toString(), "Once upon a time"});
            String before = System.getProperty("chord.kernels");
            System.setProperty("chord.kernels", "vector");
            try {
                rc |= Chord.run(new String[] {"generate", "-m", q8.toString(), "-p", "Hi", "-n", "1"});
            } finally {
                if (before == null) {
                    System.clearProperty("chord.kernels");
                } else {
                    System.setProperty("chord.kernels", before);
                }
            }
            return rc;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Path write(Path dir, String type) throws Exception {
        Path out = dir.resolve("tiny-" + type + ".gguf");
        try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            SyntheticModel.writer(TINY, QuantMix.byName(type), SynthVocab.byteLevel(TINY.vocab()), 1).write(sink);
        }
        return out;
    }
}
