import io.wasmchord.generate.Generation;
import io.wasmchord.generate.GenerationOptions;
import io.wasmchord.generate.LoadedModel;
import io.wasmchord.generate.Session;
import io.wasmchord.io.ByteSource;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.sample.SamplingParams;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.MappedByteBuffer;
import java.util.Arrays;

/**
 * The same measurement as node-decode.mjs on the JVM, with the same engine code and ScalarKernels (the
 * kernels the WebAssembly build runs), so the two numbers compare the platforms, not the kernels:
 *   java -cp engine-common/target/classes wasm-target/bench/JvmDecode.java MODEL.gguf [tokens] [runs]
 */
public final class JvmDecode {
    public static void main(String[] args) throws Exception {
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try (RandomAccessFile f = new RandomAccessFile(args[0], "r");
             LoadedModel model = LoadedModel.load(new MappedSource(args[0], f.getChannel()))) {
            Session session = model.newSession(256, new ScalarKernels());
            double[] rates = new double[runs];
            for (int r = 0; r <= runs; r++) {
                session.reset();
                Generation g = session.generate("Once upon a time", GenerationOptions.defaults()
                        .withSampling(SamplingParams.greedy()).withMaxTokens(tokens).withIgnoreEos(true));
                g.collect(null);
                if (r > 0) {
                    rates[r - 1] = g.usage().decodeTokensPerSecond();
                    System.out.printf("run %d: %s%n", r, g.usage());
                }
            }
            Arrays.sort(rates);
            System.out.printf("java %s scalar decode: median %.2f tok/s%n", Runtime.version(), rates[runs / 2]);
        }
    }

    /** A read-only mapping in 1 GiB windows (a ByteBuffer holds at most 2 GiB). */
    static final class MappedSource implements ByteSource {
        private static final int SHIFT = 30;
        private final String name;
        private final long size;
        private final MappedByteBuffer[] windows;

        MappedSource(String name, FileChannel channel) throws java.io.IOException {
            this.name = name;
            this.size = channel.size();
            int n = (int) ((size + (1L << SHIFT) - 1) >>> SHIFT);
            windows = new MappedByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = (long) i << SHIFT;
                // windows overlap by 64 MiB so a row never straddles two of them
                windows[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(size - start, (1L << SHIFT) + (64 << 20)));
            }
        }

        public String name() {
            return name;
        }

        public long size() {
            return size;
        }

        public byte get(long offset) {
            return windows[(int) (offset >>> SHIFT)].get((int) (offset & ((1L << SHIFT) - 1)));
        }

        public void read(long offset, byte[] dst, int at, int length) {
            ByteSource.checkRange(size, offset, length);
            windows[(int) (offset >>> SHIFT)].get((int) (offset & ((1L << SHIFT) - 1)), dst, at, length);
        }
    }
}
