import io.wasmchord.host.kernels.VectorKernels;
import io.wasmchord.kernel.AttentionShape;
import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * One layer's prompt attention (Kernels.causalAttention over N queries from position 0, random fp16
 * keys and values) through the vector kernels, PASSES times; prints the best CPU time of the calling
 * thread per call for stories110M's shape (12 heads of 64) and TinyLlama's (32 query heads, 4 kv heads,
 * 64 wide). Not part of the build; run from the repository root after building:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp host-native/target/classes:engine-common/target/classes \
 *   benchmarks/PrefillAttention.java 200 [N]
 * </pre>
 */
public class PrefillAttention {
    public static void main(String[] args) {
        int passes = Integer.parseInt(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        var bean = ManagementFactory.getThreadMXBean();
        Random random = new Random(3);
        try (VectorKernels kernels = new VectorKernels(1)) {
            for (AttentionShape shape : new AttentionShape[] {new AttentionShape(12, 12, 64, 0.125f),
                    new AttentionShape(32, 4, 64, 0.125f)}) {
                float[] q = new float[n * shape.qDim()];
                short[] keys = new short[n * shape.kvDim()];
                short[] values = new short[n * shape.kvDim()];
                for (int i = 0; i < q.length; i++) {
                    q[i] = (float) random.nextGaussian();
                }
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = Float.floatToFloat16((float) random.nextGaussian());
                    values[i] = Float.floatToFloat16((float) random.nextGaussian());
                }
                float[] out = new float[n * shape.qDim()];
                long best = Long.MAX_VALUE;
                for (int pass = 0; pass < passes; pass++) {
                    long cpu = bean.getCurrentThreadCpuTime();
                    kernels.causalAttention(q, keys, values, 0, n, shape, out);
                    best = Math.min(best, bean.getCurrentThreadCpuTime() - cpu);
                }
                double check = 0;
                for (float v : out) {
                    check += v;
                }
                System.out.printf("%d/%d heads of %d, %d queries: best %.3f ms (checksum %.6f)%n", shape.heads(),
                        shape.kvHeads(), shape.headDim(), n, best / 1e6, check);
            }
        }
    }
}
