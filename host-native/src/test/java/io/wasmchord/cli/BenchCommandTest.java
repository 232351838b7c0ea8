package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wasmchord.tools.Benchmark;
import org.junit.jupiter.api.Test;

/** `chord bench` flags a decode test whose leanest run still allocated: a JIT compile that boxed vectors. */
class BenchCommandTest {
    private static Benchmark.Result result(String test, int prompt, int gen, long allocated) {
        return new Benchmark.Result(test, prompt, gen, new double[] {100}, new long[] {1_000_000}, 1_000_000, allocated);
    }

    @Test
    void flagsADecodeRunThatAllocatesMegabytesPerToken() {
        String warning = BenchCommand.boxedWarning(result("tg64", 0, 64, 64L * 20_000_000));
        assertTrue(warning != null && warning.contains("tg64") && warning.contains("20.0 MB per token"), warning);
    }

    @Test
    void leavesHealthyDecodeAndPromptBatchesAlone() {
        assertNull(BenchCommand.boxedWarning(result("tg64", 0, 64, 64L * 19)));
        assertNull(BenchCommand.boxedWarning(result("pp128", 128, 0, 128L * 39_000)));
        assertNull(BenchCommand.boxedWarning(result("tg64", 0, 64, -1)));
    }
}
