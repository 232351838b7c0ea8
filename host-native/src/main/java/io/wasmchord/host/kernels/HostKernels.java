package io.wasmchord.host.kernels;

import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.ScalarKernels;

/**
 * Picks the kernels for this JVM: the Vector API kernels when {@code jdk.incubator.vector} is in the
 * boot layer, otherwise engine-common's scalar reference, with a one-line warning. The vector classes
 * are reached by name only, so a JVM without the module never loads them.
 */
public final class HostKernels {
    private static final String VECTOR_KERNELS = "io.wasmchord.host.kernels.VectorKernels";
    private static volatile boolean warned;

    private HostKernels() {
    }

    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Threads to use when none are asked for: every core the JVM may run on. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The fastest kernels available, on {@code threads} threads (the vector kernels only). */
    public static Kernels create(int threads) {
        if (vectorModulePresent()) {
            try {
                return (Kernels) Class.forName(VECTOR_KERNELS).getConstructor(int.class).newInstance(threads);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot start the vector kernels", e);
            }
        }
        if (!warned) {
            warned = true;
            System.err.println("chord: warning: jdk.incubator.vector is not available (start the JVM with "
                    + "--add-modules jdk.incubator.vector); using the slower scalar kernels on one thread");
        }
        return new ScalarKernels();
    }

    /** A one-line description of what {@link #create} gives, for benchmark reports. */
    public static String describe(Kernels k) {
        if (k instanceof AutoCloseable && k.getClass().getName().equals(VECTOR_KERNELS)) {
            return k.toString();
        }
        return "scalar reference, 1 thread";
    }
}
