package io.wasmchord.host.kernels;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.quant.Half;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * A benchmark, not a test: one decode-attention call (one query position, every head, one layer) over
 * an fp16 cache of 1 to 4,096 positions, at stories110M's shape (12/12 heads of 64) and TinyLlama's
 * (32/4 heads of 64), on one thread (or a pool of the third argument's size). Prints the best of many timed batches per call (a shared machine
 * only ever makes a batch slower) and the bytes a call allocates. Run from the repository root after
 * {@code mvn -q -o test-compile -pl host-native -am}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp host-native/target/test-classes:host-native/target/classes:engine-common/target/classes \
 *     io.wasmchord.host.kernels.DecodeAttentionTiming [seconds per case, default 2] [lengths, default 1,16,64,256,1024,4096] [threads, default 1]
 * </pre>
 */
public final class DecodeAttentionTiming {
    private static int[] LENGTHS = {1, 16, 64, 256, 1024, 4096};
    private static final AttentionShape[] SHAPES = {
        new AttentionShape(12, 12, 64, 0.125f), new AttentionShape(32, 4, 64, 0.125f)};

    private DecodeAttentionTiming() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        if (args.length > 1) {
            LENGTHS = java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        try (VectorKernels kernels = new VectorKernels(threads)) {
            Case[][] cases = new Case[SHAPES.length][LENGTHS.length];
            for (int s = 0; s < SHAPES.length; s++) {
                for (int l = 0; l < LENGTHS.length; l++) {
                    cases[s][l] = new Case(SHAPES[s], LENGTHS[l]);
                }
            }
            // Warm-up: every case in turn, so the compiled code has seen all of them before any is timed.
            long warmEnd = System.nanoTime() + (long) (3e9);
            while (System.nanoTime() < warmEnd) {
                for (Case[] row : cases) {
                    for (Case c : row) {
                        c.run(kernels, Math.max(1, 20_000 / c.length));
                    }
                }
            }
            System.out.println("shape     length   ns/call(best)  ns/(head*pos)  B/call");
            for (int s = 0; s < SHAPES.length; s++) {
                for (int l = 0; l < LENGTHS.length; l++) {
                    Case c = cases[s][l];
                    int calls = Math.max(1, 500 / c.length); // batches of ~0.1-1 ms: short enough to fall between preemptions
                    double best = Double.MAX_VALUE;
                    long end = System.nanoTime() + (long) (seconds * 1e9);
                    long tid = Thread.currentThread().threadId();
                    long allocated = 0;
                    long batches = 0;
                    while (System.nanoTime() < end) {
                        long a0 = mx.getThreadAllocatedBytes(tid);
                        long t0 = System.nanoTime();
                        c.run(kernels, calls);
                        long t1 = System.nanoTime();
                        allocated += mx.getThreadAllocatedBytes(tid) - a0;
                        batches++;
                        best = Math.min(best, (t1 - t0) / (double) calls);
                    }
                    AttentionShape sh = SHAPES[s];
                    System.out.printf("%2d/%-2d/%d %6d %12.0f %14.2f %8.1f%n", sh.heads(), sh.kvHeads(), sh.headDim(),
                            c.length, best, best / (sh.heads() * (double) c.length), allocated / (double) (batches * calls));
                }
            }
        }
    }

    private static final class Case {
        final AttentionShape shape;
        final int length;
        final float[] q;
        final short[] keys;
        final short[] values;
        final float[] out;

        Case(AttentionShape shape, int length) {
            this.shape = shape;
            this.length = length;
            SplittableRandom random = new SplittableRandom(7 + length);
            keys = new short[length * shape.kvDim()];
            values = new short[length * shape.kvDim()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Half.fromFloat((float) random.nextGaussian());
                values[i] = Half.fromFloat((float) random.nextGaussian());
            }
            q = new float[shape.qDim()];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) random.nextGaussian();
            }
            out = new float[shape.qDim()];
        }

        void run(VectorKernels kernels, int calls) {
            for (int i = 0; i < calls; i++) {
                kernels.attention(q, 0, keys, values, length, shape, out, 0);
            }
        }
    }
}
