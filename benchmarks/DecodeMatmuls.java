import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.kernels.VectorKernels;
import io.wasmchord.kernel.WeightMatrix;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The matmuls of one decoded token (every 2D weight of a GGUF file but the token embedding, one
 * activation row each) through the vector kernels, PASSES times; prints, per weight type, the sum over
 * matrices of each matrix's best time (robust on a shared machine: a matmul takes 0.1-5 ms, so some
 * pass of each gets a core to itself), the GMAC/s that gives, and the bytes the calling thread
 * allocated in the last pass. Not part of the build; run from the repository root after building:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp host-native/target/classes:engine-common/target/classes \
 *   benchmarks/DecodeMatmuls.java /tmp/synth/s110-q4_0.gguf 800 1   [-Dchord.repack=false before the -cp]
 * </pre>
 */
public class DecodeMatmuls {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DecodeMatmuls FILE.gguf PASSES [THREADS]");
            System.exit(2);
        }
        GgufFile gguf = GgufFile.open(MappedFile.open(Path.of(args[0])));
        int passes = Integer.parseInt(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<WeightMatrix> matrices = new ArrayList<>();
        for (GgufTensor t : gguf.tensors()) {
            if (t.ne().length >= 2 && t.ne()[1] > 1 && !t.name().equals("token_embd.weight")) {
                matrices.add(new WeightMatrix(t.name(), t.type(), (int) t.rowCount(), (int) t.rowLength(), gguf.data(t)));
            }
        }
        int cols = matrices.stream().mapToInt(WeightMatrix::cols).max().orElse(0);
        int rows = matrices.stream().mapToInt(WeightMatrix::rows).max().orElse(0);
        float[] x = new float[cols];
        Random random = new Random(1);
        for (int i = 0; i < cols; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] out = new float[rows];
        long[] best = new long[matrices.size()];
        Arrays.fill(best, Long.MAX_VALUE);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] lastAllocated = new long[matrices.size()];
        Map<String, Long> allocated = new TreeMap<>();
        try (VectorKernels kernels = new VectorKernels(threads)) {
            for (int pass = 0; pass < passes; pass++) {
                for (int i = 0; i < matrices.size(); i++) {
                    WeightMatrix w = matrices.get(i);
                    long bytes = bean.getCurrentThreadAllocatedBytes();
                    long start = System.nanoTime();
                    kernels.matmul(w, x, out, 1);
                    best[i] = Math.min(best[i], System.nanoTime() - start);
                    lastAllocated[i] = bean.getCurrentThreadAllocatedBytes() - bytes;
                }
            }
        }
        Map<String, long[]> byType = new TreeMap<>(); // nanoseconds, multiply-adds
        long total = 0;
        for (int i = 0; i < matrices.size(); i++) {
            WeightMatrix w = matrices.get(i);
            long[] sums = byType.computeIfAbsent(w.type().displayName, k -> new long[2]);
            sums[0] += best[i];
            sums[1] += (long) w.rows() * w.cols();
            total += best[i];
            allocated.merge(w.type().displayName, lastAllocated[i], Long::sum);
        }
        StringBuilder line = new StringBuilder("matmuls of one token, sum of bests: " + total / 1000 / 1000.0 + " ms;");
        for (var e : byType.entrySet()) {
            line.append(' ').append(e.getKey()).append(' ').append(e.getValue()[0] / 1000 / 1000.0).append(" ms ")
                    .append(Math.round(10.0 * e.getValue()[1] / e.getValue()[0]) / 10.0).append(" GMAC/s;");
        }
        System.out.println(line + " allocated in the last pass: " + allocated + " bytes");
    }
}
