package io.wasmchord.host.kernels;

import io.wasmchord.io.ByteArraySource;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.tools.RandomBlocks;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * Run by {@link UnprofiledKernelsTest} in a JVM without receiver-type profiles: per format, mat-vecs
 * until the JIT's code allocates nothing per call (prints "TYPE lean after N calls") or a budget of
 * calls runs out (prints "TYPE still allocating B bytes per call").
 */
public final class UnprofiledMatVecMain {
    private static final int ROUND = 500;
    private static final int MAX_ROUNDS = 120;

    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (VectorKernels k = new VectorKernels(1)) {
            for (String name : args) {
                GgmlType t = GgmlType.byName(name);
                int rows = 2 * InterleavedKernel.GROUP;
                int cols = 256;
                SplittableRandom r = new SplittableRandom(7);
                byte[] w = new byte[(int) t.bytesFor((long) rows * cols)];
                RandomBlocks.fill(t, w, w.length, 0f, r);
                WeightMatrix m = new WeightMatrix("w", t, rows, cols, new ByteArraySource("w", w));
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                float[] out = new float[rows];
                long perCall = -1;
                int lean = 0;
                for (int round = 1; round <= MAX_ROUNDS && lean < 3; round++) {
                    long before = threads.getTotalThreadAllocatedBytes();
                    for (int i = 0; i < ROUND; i++) {
                        k.matmul(m, x, out, 1);
                    }
                    perCall = (threads.getTotalThreadAllocatedBytes() - before) / ROUND;
                    lean = perCall < 16 ? lean + 1 : 0;
                    if (lean == 3) {
                        System.out.println(name + " lean after " + round * ROUND + " calls");
                    }
                }
                if (lean < 3) {
                    System.out.println(name + " still allocating " + perCall + " bytes per call");
                }
            }
        }
    }
}
