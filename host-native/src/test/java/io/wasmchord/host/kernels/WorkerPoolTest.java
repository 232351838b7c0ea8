package io.wasmchord.host.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
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
    void evenSharesRunEveryPartOnceInRunsOfAShareAtMostBesideGuidedJobs() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 20_000; round++) {
                int parts = 1 + round % 13;
                boolean shares = round % 2 == 0;
                AtomicIntegerArray seen = new AtomicIntegerArray(parts);
                AtomicInteger longestRun = new AtomicInteger();
                AtomicInteger firstRun = new AtomicInteger();
                WorkerPool.Job job = new WorkerPool.Job() {
                    @Override
                    public void run(int part, int worker) {
                        seen.incrementAndGet(part);
                    }

                    @Override
                    public void run(int from, int to, int worker) {
                        longestRun.accumulateAndGet(to - from, Math::max);
                        if (from == 0) {
                            firstRun.set(to);
                        }
                        WorkerPool.Job.super.run(from, to, worker);
                    }
                };
                if (shares) {
                    pool.runShares(job, parts);
                } else {
                    pool.run(job, parts);
                }
                for (int p = 0; p < parts; p++) {
                    assertEquals(1, seen.get(p), "round " + round + " part " + p);
                }
                if (shares && parts > 1) {
                    // The caller's share comes first, unclaimed; no run is longer than a share.
                    assertEquals((parts + 2) / 3, firstRun.get(), "round " + round);
                    assertTrue(longestRun.get() <= (parts + 2) / 3, "round " + round + ": a run of " + longestRun);
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

    @Test
    void aFailingReservedPartFailsTheCallerToo() {
        try (WorkerPool pool = new WorkerPool(2)) {
            // Part 0 is in the run the caller reserves for itself before any thread claims.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run((part, worker) -> {
                if (part == 0) {
                    throw new IllegalStateException("part 0 failed");
                }
            }, 16));
            assertEquals("part 0 failed", e.getMessage());
        }
    }

    @Test
    void prefetchRangesOfAnySizeLeaveTheJobsAlone() {
        byte[] small = new byte[1000];
        byte[] large = new byte[1 << 20];
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int round = 0; round < 5_000; round++) {
                // Ranges past the array's end too: the worker may read one range's array with the next one's bounds.
                pool.prefetchNext(round % 2 == 0 ? small : large, round % 3 * 300, round % 5 == 0 ? 0 : 1 << 20);
                pool.prefetchNextOwn(round % 2 == 0 ? large : small, round % 7 * 200, round % 4 == 0 ? 100 : 1 << 20);
                int parts = 2 + round % 9;
                AtomicIntegerArray seen = new AtomicIntegerArray(parts);
                pool.run((part, worker) -> seen.incrementAndGet(part), parts);
                for (int p = 0; p < parts; p++) {
                    assertEquals(1, seen.get(p), "round " + round + " part " + p);
                }
            }
            pool.prefetchNext(null, 0, 0);
            pool.prefetchNextOwn(null, 0, 0);
            AtomicIntegerArray seen = new AtomicIntegerArray(4);
            pool.run((part, worker) -> seen.incrementAndGet(part), 4);
            assertEquals(4, seen.get(0) + seen.get(1) + seen.get(2) + seen.get(3));
        }
    }

    @Test
    void aJobTakingRangesGetsEveryPartOnceInFewCalls() {
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int parts : new int[] {2, 3, 17, 128, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(parts);
                java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
                pool.run(new WorkerPool.Job() {
                    @Override
                    public void run(int part, int worker) {
                        throw new AssertionError("parts come as ranges");
                    }

                    @Override
                    public void run(int from, int to, int worker) {
                        calls.incrementAndGet();
                        for (int p = from; p < to; p++) {
                            seen.incrementAndGet(p);
                        }
                    }
                }, parts);
                for (int p = 0; p < parts; p++) {
                    assertEquals(1, seen.get(p), parts + " parts, part " + p);
                }
                // Guided claims: a share of what is left at a time, single parts only near the end.
                if (parts >= 128) {
                    assertTrue(calls.get() <= parts / 4, parts + " parts in " + calls.get() + " calls");
                }
            }
        }
    }
}
