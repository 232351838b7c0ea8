import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.host.MappedFile;
import io.wasmchord.host.kernels.VectorKernels;
import io.wasmchord.kernel.WeightMatrix;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The prompt mat-mats of one layer (the first block's 2D weights) with N activation rows (default 128,
 * llama-bench's pp128 batch) through the vector kernels, PASSES times; prints, per matrix, the best
 * time (CPU time of the calling thread, and wall time: with one thread the work runs on the caller)
 * and the GMAC/s each gives, then the layer's sum. Best-of-N is robust on a shared machine: some pass of
 * each matrix gets a core to itself. Not part of the build; run from the repository root after building:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp host-native/target/classes:engine-common/target/classes \
 *   benchmarks/PrefillMatmuls.java /tmp/synth/tl-q4_0.gguf 20 [THREADS] [N]
 * </pre>
 */
public class PrefillMatmuls {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PrefillMatmuls FILE.gguf PASSES [THREADS] [N]");
            System.exit(2);
        }
        GgufFile gguf = GgufFile.open(MappedFile.open(Path.of(args[0])));
        int passes = Integer.parseInt(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        List<WeightMatrix> matrices = new ArrayList<>();
        for (GgufTensor t : gguf.tensors()) {
            if (t.ne().length >= 2 && t.ne()[1] > 1 && t.name().startsWith("blk.0.")) {
                matrices.add(new WeightMatrix(t.name(), t.type(), (int) t.rowCount(), (int) t.rowLength(), gguf.data(t)));
            }
        }
        int cols = matrices.stream().mapToInt(WeightMatrix::cols).max().orElse(0);
        int rows = matrices.stream().mapToInt(WeightMatrix::rows).max().orElse(0);
        float[] x = new float[n * cols];
        Random random = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] out = new float[n * rows];
        long[] bestCpu = new long[matrices.size()];
        long[] bestWall = new long[matrices.size()];
        java.util.Arrays.fill(bestCpu, Long.MAX_VALUE);
        java.util.Arrays.fill(bestWall, Long.MAX_VALUE);
        var bean = ManagementFactory.getThreadMXBean();
        try (VectorKernels kernels = new VectorKernels(threads)) {
            for (int pass = 0; pass < passes; pass++) {
                for (int i = 0; i < matrices.size(); i++) {
                    long cpu = bean.getCurrentThreadCpuTime();
                    long start = System.nanoTime();
                    kernels.matmul(matrices.get(i), x, out, n);
                    bestWall[i] = Math.min(bestWall[i], System.nanoTime() - start);
                    bestCpu[i] = Math.min(bestCpu[i], bean.getCurrentThreadCpuTime() - cpu);
                }
            }
        }
        long cpuSum = 0, wallSum = 0, macs = 0;
        for (int i = 0; i < matrices.size(); i++) {
            WeightMatrix w = matrices.get(i);
            long m = (long) w.rows() * w.cols() * n;
            System.out.printf("%-24s %-6s %5d x %5d  cpu %8.3f ms %6.1f GMAC/s  wall %8.3f ms %6.1f GMAC/s%n", w.name(),
                    w.type().displayName, w.rows(), w.cols(), bestCpu[i] / 1e6, (double) m / bestCpu[i],
                    bestWall[i] / 1e6, (double) m / bestWall[i]);
            cpuSum += bestCpu[i];
            wallSum += bestWall[i];
            macs += m;
        }
        System.out.printf("layer, n %d, %d thread(s): cpu %.3f ms %.1f GMAC/s, wall %.3f ms %.1f GMAC/s%n", n, threads,
                cpuSum / 1e6, (double) macs / cpuSum, wallSum / 1e6, (double) macs / wallSum);
    }
}
