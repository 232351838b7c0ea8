package io.wasmchord.host.kernels;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that run one parallel job at a time with the calling thread taking part.
 * Workers spin briefly between jobs (decoding dispatches a job every few dozen microseconds), then keep
 * polling but yield their core to any other runnable thread, and only then park, so an idle pool costs
 * nothing. The yielding phase is there because waking a parked thread took ~50 us on the 2-vCPU VM the
 * figures come from: a worker that parked during a short serial stretch made the next job that much
 * later; on an otherwise idle machine a yield returns at once, on a busy one it gives the core away as
 * parking would. Dispatching allocates nothing.
 *
 * <p>Every claim and every completion is an atomic update of a line that both cores write, and such an
 * update costs about as much as a few hundred multiply-adds: a stories110M token dispatched ~2,700 parts
 * and paid ~5,400 of them. So a thread claims runs of parts, and it reports its finished parts once, when
 * no part is left to claim. {@link #run} claims guided runs, large while many are left and single ones at
 * the end (a run is the unclaimed parts over twice the threads), for jobs whose parts cost unevenly.
 * {@link #runShares} claims even shares, a thread's share of the parts in one claim, for jobs whose parts
 * cost alike, the mat-vecs: a mat-vec streams its weights from memory, and one long run per thread
 * streams faster than guided runs, whose last ones are short streams that start cold (TinyLlama Q4_K_M
 * decode +11% with the caller's first run half the parts, +6% more with shares; see docs/PERFORMANCE.md,
 * "Session 12"). A thread that is late for its share leaves it to the others. The two counters sit on
 * cache lines of their own, away from each other and from the fields the workers spin on.
 *
 * <p>The caller runs its first run without claiming it, so the first worker's first claim starts at the
 * same part every time; between jobs that worker reads ahead the bytes a mat-vec caller names for it
 * ({@link #prefetchNext}): the start of its first claim in the next job, fetched while the caller does
 * the serial work in between (+1.2% TinyLlama Q4_0 decode, in-JVM pairs). The caller likewise reads the
 * start of its own next run while it waits for the other threads' last parts ({@link #prefetchNextOwn}).
 */
public final class WorkerPool implements AutoCloseable {

    /** A job split into {@code parts}; part {@code p} runs on some thread, each exactly once. */
    public interface Job {
        void run(int part, int worker);

        /**
         * Parts {@code [from, to)}, claimed together by one thread: one call, so a job whose parts are
         * adjacent rows can take them in one pass instead of paying its set-up per part.
         */
        default void run(int from, int to, int worker) {
            for (int part = from; part < to; part++) {
                run(part, worker);
            }
        }
    }

    /** A job that runs a run of adjacent parts in one call; a single part is a run of one. */
    public interface RangeJob extends Job {
        @Override
        void run(int from, int to, int worker);

        @Override
        default void run(int part, int worker) {
            run(part, part + 1, worker);
        }
    }

    /** Spin this long waiting for the next job or for helpers to finish, ... */
    private static final long SPIN_NANOS = 50_000;
    /** ... then poll, yielding, this much longer, then block. */
    private static final long YIELD_NANOS = Long.getLong("chord.pool.yieldNanos", 2_000_000);

    private final Thread[] workers;
    /**
     * Slot {@link #TICKET}: the job's generation (bits 40-63), its part count (20-39) and its next unclaimed
     * part (0-19), in one word: a worker claims parts only while all three belong to the generation it woke
     * for, so a late worker of an old job can never claim a part of a new one. Slot {@link #PENDING}: parts
     * not yet reported done. 128 bytes apart (two lines, as the adjacent-line prefetcher pairs them).
     */
    private final AtomicLongArray counters = new AtomicLongArray(3 * 16);
    private static final int TICKET = 16;
    private static final int PENDING = 32;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread waiter;
    private volatile Throwable failure;
    private static final int MAX_PARTS = (1 << 20) - 1;
    private Job job;
    /** Parts per claim in the current job: a thread's share ({@link #runShares}), or 0 for guided runs. */
    private int share;
    /** The first worker's read-ahead range, set by the caller ({@link #prefetchNext}); the epoch counts the sets. */
    private byte[] prefetchBytes;
    private int prefetchFrom;
    private int prefetchTo;
    private volatile int prefetchEpoch;
    /** The first worker's own: which range it is reading and how far it got. */
    private int prefetchSeenEpoch = -1;
    private int prefetchCursor;
    /** The caller's read-ahead range ({@link #prefetchNextOwn}) and how far it got. */
    private byte[] callerAheadBytes;
    private int callerAhead;
    private int callerAheadTo;
    /** Never read: where a read-ahead sum would go, so that the compiler keeps the loads (see {@link #touch}). */
    private int readAheadSink;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a pool needs at least one thread, got " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            workers[i] = new Thread(() -> workLoop(index), "chord-worker-" + index);
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    /** Threads that run a job's parts, the caller included. */
    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code job} on parts {@code [0, parts)} in guided runs and returns when all are done. Not reentrant. */
    public void run(Job job, int parts) {
        run(job, parts, false);
    }

    /** Runs {@code job} on parts {@code [0, parts)}, a thread's share per claim, and returns when all are done. */
    public void runShares(Job job, int parts) {
        run(job, parts, true);
    }

    private void run(Job job, int parts, boolean shares) {
        if (workers.length == 0 || parts <= 1) {
            for (int p = 0; p < parts; p++) {
                job.run(p, 0);
            }
            return;
        }
        if (parts > MAX_PARTS) {
            throw new IllegalArgumentException(parts + " parts; at most " + MAX_PARTS);
        }
        this.job = job;
        share = shares ? shareOf(parts) : 0;
        counters.set(PENDING, parts);
        waiter = Thread.currentThread();
        long gen = (generation + 1) & 0xFFFFFF;
        int reserved = shares ? share : reservedParts(parts);
        counters.set(TICKET, gen << 40 | (long) parts << 20 | reserved); // publishes job to whoever claims a part
        generation = gen;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        if (reserved > 0) {
            try {
                job.run(0, reserved, 0);
            } catch (Throwable e) {
                failure = e;
            }
            counters.addAndGet(PENDING, -reserved);
        }
        work(0, gen);
        long start = System.nanoTime();
        while (counters.get(PENDING) != 0) {
            if (callerAhead < callerAheadTo) {
                callerAhead = touch(callerAheadBytes, callerAhead, callerAheadTo);
                continue;
            }
            if (!pause(start)) {
                LockSupport.parkNanos(this, 100_000);
            }
        }
        this.job = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    /**
     * The parts {@code [0, n)} the caller runs before any thread claims: the run it would claim first
     * anyway. Reserved, the first worker's first claim starts at part n every time (unless it was asleep
     * until the caller had finished them), so that worker can read those bytes ahead while it would
     * otherwise wait (see {@link #prefetchNext}).
     */
    int reservedParts(int parts) {
        return parts / (2 * threads());
    }

    /** A thread's share of {@code parts} in {@link #runShares}: also the parts the caller runs unclaimed. */
    int shareOf(int parts) {
        return (parts + threads() - 1) / threads();
    }

    /**
     * Bytes {@code [from, to)} of {@code bytes} for the first worker to read into its cache while it has no
     * part to run, from the end of the job about to be dispatched until the next dispatch that sets
     * another range: the start of what it will claim first in the next job, so those loads overlap the
     * caller's serial work instead of following it. {@code bytes} null: nothing.
     */
    void prefetchNext(byte[] bytes, int from, int to) {
        prefetchBytes = bytes;
        prefetchFrom = from;
        prefetchTo = to;
        prefetchEpoch++;
    }

    /**
     * Bytes {@code [from, to)} of {@code bytes} for the caller to read while it waits for the other threads'
     * last parts of the job about to be dispatched: the start of its own reserved run in the next job.
     */
    void prefetchNextOwn(byte[] bytes, int from, int to) {
        callerAheadBytes = bytes;
        callerAhead = bytes == null ? 0 : Math.max(0, from);
        callerAheadTo = bytes == null ? 0 : Math.min(to, bytes.length);
    }

    /** Reads 4 KiB (or to {@code to}) from {@code from} a line at a time; returns where it stopped. */
    private int touch(byte[] bytes, int from, int to) {
        int end = Math.min(to, from + 4096);
        int sink = 0;
        for (int i = from; i < end; i += 64) {
            sink += bytes[i];
        }
        if (sink == Integer.MIN_VALUE) { // practically never: keeps the loads without a shared store
            readAheadSink = sink;
        }
        return end;
    }

    /** Reads the prefetch range a line at a time, 4 KiB per check, until done or a new job arrives. */
    private void prefetch(long seen) {
        if (prefetchSeenEpoch != prefetchEpoch) {
            prefetchSeenEpoch = prefetchEpoch;
            prefetchCursor = prefetchFrom;
        }
        byte[] bytes = prefetchBytes;
        if (bytes == null) {
            return;
        }
        // The caller may be setting the next range meanwhile: whatever mix is read, stay inside the array.
        int to = Math.min(prefetchTo, bytes.length);
        int cursor = Math.max(0, prefetchCursor);
        while (cursor < to && generation == seen) {
            cursor = touch(bytes, cursor, to);
        }
        prefetchCursor = cursor;
    }

    private void work(int worker, long gen) {
        int threads = workers.length + 1;
        long done = 0;
        while (true) {
            long t = counters.get(TICKET);
            int p = (int) (t & MAX_PARTS);
            int n = (int) ((t >>> 20) & MAX_PARTS);
            if (t >>> 40 != gen || p >= n) {
                break;
            }
            int run = share > 0 ? Math.min(share, n - p) : Math.max(1, (n - p) / (2 * threads));
            if (!counters.compareAndSet(TICKET, t, t + run)) {
                continue;
            }
            // Read after the claim: the job cannot change until these parts are counted done.
            try {
                job.run(p, p + run, worker);
            } catch (Throwable e) {
                failure = e; // rethrown by the caller once every part has finished
            }
            done += run;
        }
        if (done > 0 && counters.addAndGet(PENDING, -done) == 0 && worker != 0) {
            LockSupport.unpark(waiter);
        }
    }

    private void workLoop(int index) {
        long seen = 0;
        while (!closed) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                if (!pause(start)) {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            work(index, seen);
            if (index == 1) {
                prefetch(seen);
            }
        }
    }

    /** One beat of waiting that began at {@code start}: false once it is time to block instead. */
    private static boolean pause(long start) {
        long waited = System.nanoTime() - start;
        if (waited < SPIN_NANOS) {
            Thread.onSpinWait();
            return true;
        }
        if (waited < SPIN_NANOS + YIELD_NANOS) {
            Thread.yield();
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
