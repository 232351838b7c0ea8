package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The decode kernels compile to allocation-free code without receiver-type profiles. A vector method
 * called on a loop-carried vector is inlined only through the receiver profile of a JDK method shared by
 * the whole process; when other kernels mix that profile C2 boxes the kernel's vectors (see {@link Simd}).
 * {@code -XX:TypeProfileWidth=0} turns those profiles off, so a kernel that still allocates there depends
 * on one: such a JVM decoded at 1 tok/s with 1.3 GB of garbage per token before the kernels were fixed.
 */
class UnprofiledKernelsTest {

    @Test
    void repackedMatVecsAllocateNothingWithoutReceiverProfiles() throws IOException, InterruptedException {
        // Wider than the machine's vectors the Vector API runs its Java fallback, which always allocates.
        assumeTrue(Simd.BITS <= FloatVector.SPECIES_PREFERRED.vectorBitSize(), "no " + Simd.BITS + "-bit vectors here");
        List<String> types = List.of("Q4_0", "Q8_0", "Q4_K", "Q6_K");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "-XX:TypeProfileWidth=0", "-Dchord.vector.bits=" + Simd.BITS, "-cp", System.getProperty("java.class.path"),
                UnprofiledMatVecMain.class.getName()));
        command.addAll(types);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        for (String type : types) {
            assertEquals(1, out.lines().filter(l -> l.startsWith(type + " lean after ")).count(), out);
        }
    }
}
