package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runsEveryPartExactlyOnceJobAfterJob() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 20_000; round++) {
                int parts = 1 + round % 13;
                AtomicIntegerArray seen = new AtomicIntegerArray(parts);
                int expectedRound = round;
                int[] rounds = new int[parts];
                pool.run((part, worker) -> {
                    seen.incrementAndGet(part);
                    rounds[part] = expectedRound;
                }, parts);
                for (int p = 0; p < parts; p++) {
                    assertEquals(1, seen.get(p), "round " + round + " part " + p);
                    assertEquals(round, rounds[p]);
                }
            }
        }
    }

    @Test
    void aFailingPartFailsTheCallerAndThePoolGoesOn() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run((part, worker) -> {
                if (part == 5) {
                    throw new IllegalStateException("part 5 failed");
                }
            }, 8));
            assertEquals("part 5 failed", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(4);
            pool.run((part, worker) -> seen.incrementAndGet(part), 4);
            for (int p = 0; p < 4; p++) {
                assertEquals(1, seen.get(p));
            }
        }
    }
}
