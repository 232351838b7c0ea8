package io.wasmchord.bench;

import io.wasmchord.host.kernels.VectorKernels;
import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.quant.Half;
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
 * Flash attention of one query position over a full fp16 KV cache of {@code context} positions (the
 * last decode step of a context that long), every head. Run with {@code -prof gc}: gc.alloc.rate.norm
 * is the memory each call allocates, which stays 0 B whatever the context, while the cache itself
 * grows linearly (see docs/PERFORMANCE.md, "Flash attention memory").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBench {
    @Param({"512", "1024", "2048", "4096"})
    public int context;

    /** heads/kvHeads/headDim: stories110M (multi-head) and TinyLlama (grouped-query). */
    @Param({"12/12/64", "32/4/64"})
    public String shape;

    @Param({"vector", "scalar"})
    public String kernels;

    @Param({"1"})
    public int threads;

    private Kernels k;
    private AttentionShape s;
    private float[] q;
    private short[] keys;
    private short[] values;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("/");
        int headDim = Integer.parseInt(p[2]);
        s = new AttentionShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), headDim, 1f / (float) Math.sqrt(headDim));
        SplittableRandom random = new SplittableRandom(7);
        keys = new short[context * s.kvDim()];
        values = new short[context * s.kvDim()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Half.fromFloat((float) random.nextGaussian());
            values[i] = Half.fromFloat((float) random.nextGaussian());
        }
        q = new float[s.qDim()];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) random.nextGaussian();
        }
        out = new float[s.qDim()];
        k = kernels.equals("vector") ? new VectorKernels(threads) : new ScalarKernels();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (k instanceof VectorKernels v) {
            v.close();
        }
    }

    @Benchmark
    public float[] attention() {
        k.attention(q, 0, keys, values, context, s, out, 0);
        return out;
    }
}
