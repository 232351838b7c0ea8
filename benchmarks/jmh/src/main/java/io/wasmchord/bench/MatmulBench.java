package io.wasmchord.bench;

import io.wasmchord.host.kernels.VectorKernels;
import io.wasmchord.io.ByteArraySource;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.tools.RandomBlocks;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One matmul (Kernels.matmul) per operation, at the shapes of stories110M's layers: 768x768 (attention
 * projections) and 768 rows x 2048 columns (ffn_down); n = 1 is a decode step, n = 128 a prefill batch.
 * "vector" is VectorKernels on {@code threads} threads, "scalar" engine-common's reference on one.
 * Weights are random blocks of the format (RandomBlocks), held on the heap: the vector kernels copy
 * them to a heap segment once, so the measurement is the kernel, not the page cache. Divide
 * rows * cols * n by the time for multiply-adds per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatmulBench {
    @Param({"Q8_0", "Q4_0", "Q4_K", "Q6_K", "F16", "F32"})
    public String type;

    /** rows x cols of the weight matrix. */
    @Param({"768x768", "768x2048"})
    public String shape;

    /** Activation vectors per call: 1 (decode) or 128 (prefill). */
    @Param({"1", "128"})
    public int n;

    @Param({"vector", "scalar"})
    public String kernels;

    @Param({"1"})
    public int threads;

    private Kernels k;
    private WeightMatrix w;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        GgmlType t = GgmlType.byName(type);
        String[] rc = shape.split("x");
        int rows = Integer.parseInt(rc[0]);
        int cols = Integer.parseInt(rc[1]);
        SplittableRandom random = new SplittableRandom(42);
        byte[] weights = new byte[(int) t.bytesFor((long) rows * cols)];
        RandomBlocks.fill(t, weights, weights.length, 0f, random);
        w = new WeightMatrix("bench." + type, t, rows, cols, new ByteArraySource("w", weights));
        x = new float[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        out = new float[n * rows];
        k = kernels.equals("vector") ? new VectorKernels(threads) : new ScalarKernels();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (k instanceof VectorKernels v) {
            v.close();
        }
    }

    @Benchmark
    public float[] matmul() {
        k.matmul(w, x, out, n);
        return out;
    }
}
