package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.kernel.Kernels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostKernelsTest {

    @Test
    void picksTheVectorKernelsWhenTheModuleIsThere() {
        Kernels k = HostKernels.create(2);
        assertEquals(VectorKernels.class, k.getClass());
        assertTrue(HostKernels.describe(k).startsWith("vector "), HostKernels.describe(k));
        ((VectorKernels) k).close();
    }

    /** A JVM started without the module falls back with one warning and never loads a vector class. */
    @Test
    void fallsBackToScalarWithoutTheVectorModule() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-verbose:class", "-cp", System.getProperty("java.class.path"),
                NoVectorMain.class.getName()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertTrue(out.contains("kernels: scalar reference, 1 thread"), out.lines().filter(l -> l.startsWith("kernels")).toList().toString());
        assertTrue(out.contains("result: 30.0"), "matmul result missing");
        assertTrue(!out.contains("jdk.incubator.vector") && !out.contains("io.wasmchord.host.kernels.Simd"),
                "a vector class was loaded");
        assertEquals(1, err.lines().filter(l -> l.contains("jdk.incubator.vector is not available")).count(), err);
    }
}
