import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.host.MappedFile;
import io.wasmchord.tools.ModelShape;
import io.wasmchord.tools.QuantMix;
import io.wasmchord.tools.SyntheticModel;
import io.wasmchord.tools.SynthVocab;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A random-weight TinyLlama with more layers, so the file is about 1.5 GB in Q8_0: the size the issue
 * asks the WebAssembly build to load (chord synth only knows real shapes). Needs the host-native jar:
 *   java -cp host-native/target/host-native-0.1.0.jar:engine-common/target/classes \
 *       wasm-target/bench/SynthLarge.java OUT.gguf [layers=29]
 */
public final class SynthLarge {
    public static void main(String[] args) throws Exception {
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 29;
        ModelShape shape = new ModelShape("tinyllama-" + layers + "l", 2048, 5632, layers, 32, 4, 32000, 2048, 1e-5f,
                10000f);
        Map<String, GgufValue> vocab;
        try (GgufFile source = GgufFile.open(MappedFile.open(Path.of("../shared/models/stories260K/stories260K-F32.gguf")))) {
            vocab = SynthVocab.copiedFrom(source, shape.vocab());
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(args[0])), 1 << 20)) {
            SyntheticModel.writer(shape, QuantMix.byName("Q8_0"), vocab, 1).write(out);
        }
        System.out.printf("%s: %,d bytes%n", args[0], Files.size(Path.of(args[0])));
    }
}
