package io.wasmchord.host.kernels;

import io.wasmchord.host.MappedFile;
import io.wasmchord.io.ByteSource;
import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import io.wasmchord.kernel.Kernels;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The JVM's fast kernels: {@code jdk.incubator.vector} dot products that read weights in place from the
 * mapped file (never expanded to floats), spread over a persistent {@link WorkerPool}. Numerics match
 * the scalar reference up to float summation order: activations are encoded by the same quantizers.
 * Only loaded when the vector module is present (see {@link HostKernels}). One instance serves one
 * thread at a time; steady-state matmuls allocate nothing.
 */
public final class VectorKernels implements Kernels, AutoCloseable {
    /** Rows per unit of work: small enough to balance two busy cores, large enough to amortise a claim. */
    private static final int MIN_ROWS_PER_PART = 8;
    /** Multiply-adds under which a mat-vec part's fixed cost (its claim, the kernel's set-up) would show. */
    private static final long MIN_PART_MACS = 1 << 14;
    /**
     * From this many activation rows on, matmuls run as a float mat-mat over expanded weight tiles. Not
     * for Q8_1 activations (Q4_1, Q5_1): their block sums are stored in fp16 and the integer dot's result
     * depends on that rounding, which the float expansion would not reproduce (see {@link GemmInput}).
     */
    static final int GEMM_FROM = 4;
    /** Below this many multiply-adds a job runs on the calling thread: waking helpers would cost more. */
    private static final long PARALLEL_FROM = 1 << 16;

    private final WorkerPool pool;
    private final RowKernel[] byType = new RowKernel[GgmlType.values().length];
    private final Activations activations = new Activations();
    private final MatVecJob matVec = new MatVecJob();
    private final GemmJob gemm = new GemmJob();
    private final GemmInput gemmInput = new GemmInput();
    private final Scratch[] scratch;
    private final VectorAttention attention = new VectorAttention();
    private final BatchEncodeJob batchEncode = new BatchEncodeJob();
    private final ElementwiseJob elementwise = new ElementwiseJob();
    private final DecodeAttention decodeAttention = new DecodeAttention();
    /** Per weight tensor: the kernel and the bytes it reads (the mapping, a heap copy or a repacked copy). */
    private final Map<ByteSource, Prepared> prepared = new WeakHashMap<>();
    /** Whether formats with an {@link InterleavedKernel} get their matrices repacked ({@code -Dchord.repack=false}: no). */
    private static final boolean REPACK = !"false".equals(System.getProperty("chord.repack"));

    private record Prepared(RowKernel kernel, MemorySegment segment) {
    }
    private float[] attentionScratch = new float[0];

    public VectorKernels(int threads) {
        this.pool = new WorkerPool(threads);
        this.scratch = new Scratch[pool.threads()];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = new Scratch();
        }
        for (GgmlType t : GgmlType.values()) {
            byType[t.ordinal()] = t.isSupported() ? kernelFor(t) : null;
        }
    }

    /** The SIMD kernel of a format, or the reference dot (threaded) where none is written yet. */
    static RowKernel kernelFor(GgmlType t) {
        return switch (t) {
            case F32 -> new F32Kernel();
            case F16 -> new F16Kernel();
            case BF16 -> new BF16Kernel();
            case Q8_0 -> new Q8_0Kernel();
            case Q4_0 -> new Q4_0Kernel();
            case Q4_1 -> new Q4_1Kernel();
            case Q5_0 -> new Q5_0Kernel();
            case Q5_1 -> new Q5_1Kernel();
            case Q2_K -> new Q2_KKernel();
            case Q3_K -> new Q3_KKernel();
            case Q4_K -> new Q4_KKernel();
            case Q5_K -> new Q5_KKernel();
            case Q6_K -> new Q6_KKernel();
            case IQ4_NL -> new IQ4_NLKernel();
            case IQ4_XS -> new IQ4_XSKernel();
            default -> new ScalarRowKernel(t);
        };
    }

    /** Whether {@code t} has a SIMD kernel (the others run the reference dot on the worker threads). */
    public static boolean hasSimdKernel(GgmlType t) {
        return t.isSupported() && !(kernelFor(t) instanceof ScalarRowKernel);
    }

    public int threads() {
        return pool.threads();
    }

    /** The vector width the kernels run at, in bits. */
    public static int vectorBits() {
        return Simd.BITS;
    }

    @Override
    public void matmul(WeightMatrix w, float[] x, float[] out, int n) {
        RowKernel kernel = kernel(w);
        check(w, x, out, n);
        GgmlType encoding = w.type().vecDotType();
        Prepared ready = prepare(w, kernel);
        int rows = w.rows();
        boolean small = (long) rows * w.cols() * n < PARALLEL_FROM;
        if (gemmFits(w, ready, n)) {
            runGemm(w, ready, gemmInput.encode(encoding, x, w.cols(), n, pool), out, n);
            return;
        }
        encode(encoding, x, w.cols(), n, kernel instanceof ScalarRowKernel);
        matVec.start(activations, n, scratch);
        matVec.add(ready.kernel, ready.segment, w.rowBytes(), rows, out, rowsPerPart(rows, (long) w.cols() * n, small));
        runMatVec(small);
    }

    /** Whether batches through this matrix run as its repacked kernel's batched mat-vec, not the float mat-mat. */
    private static boolean batchesRows(Prepared ready) {
        return ready.kernel instanceof InterleavedKernel g && g.batchesRows();
    }

    /**
     * Whether a batch of {@code n} rows through {@code w} runs as the float mat-mat: not where the repacked
     * kernel batches rows itself ({@link #batchesRows}), nor for BF16, whose batches sum in llama.cpp's
     * order through {@link BF16Kernel#dotRows} (the mat-mat's order missed its perplexity; see there).
     */
    private static boolean gemmFits(WeightMatrix w, Prepared ready, int n) {
        return n >= GEMM_FROM && w.cols() % Simd.FLOATS == 0 && GemmInput.supports(w.type().vecDotType())
                && !batchesRows(ready) && w.type() != GgmlType.BF16;
    }

    /** The mat-mat of {@code w} with activations already encoded by {@link GemmInput}. */
    private void runGemm(WeightMatrix w, Prepared ready, float[] input, float[] out, int n) {
        int rows = w.rows();
        boolean small = (long) rows * w.cols() * n < PARALLEL_FROM;
        int tiles = (rows + GemmJob.PART_ROWS - 1) / GemmJob.PART_ROWS;
        int perPart = GemmJob.PART_ROWS * (small ? tiles : Math.max(1, tiles / (pool.threads() * 8)));
        gemm.set(ready.kernel, ready.segment, w.rowBytes(), rows, w.cols(), input, out, n, perPart, scratch);
        pool.run(gemm, (rows + perPart - 1) / perPart);
        gemm.clear();
    }

    /**
     * Mat-vecs of matrices sharing their input and its encoding (a layer's Q, K, V; its gate and up) run
     * as one pool job over all their rows; mat-mats of such matrices encode the shared input once; anything
     * else (mixed encodings) runs matrix by matrix.
     */
    @Override
    public void matmuls(WeightMatrix[] ws, float[] x, float[][] outs, int n) {
        GgmlType encoding = ws[0].type().vecDotType();
        boolean together = ws.length <= MatVecJob.MAX;
        long macs = 0;
        for (WeightMatrix w : ws) {
            together &= w.type().vecDotType() == encoding && w.cols() == ws[0].cols()
                    && (n < GEMM_FROM || batchesRows(prepare(w, kernel(w))));
            macs += (long) w.rows() * w.cols() * n;
        }
        if (!together) {
            if (sharedGemm(ws, x, outs, n)) {
                return;
            }
            for (int i = 0; i < ws.length; i++) {
                matmul(ws[i], x, outs[i], n);
            }
            return;
        }
        for (int i = 0; i < ws.length; i++) {
            check(ws[i], x, outs[i], n);
        }
        boolean raw = false;
        for (WeightMatrix w : ws) {
            raw |= kernel(w) instanceof ScalarRowKernel;
        }
        encode(encoding, x, ws[0].cols(), n, raw);
        matVec.start(activations, n, scratch);
        boolean small = macs < PARALLEL_FROM;
        for (int i = 0; i < ws.length; i++) {
            WeightMatrix w = ws[i];
            Prepared ready = prepare(w, kernel(w));
            matVec.add(ready.kernel, ready.segment, w.rowBytes(), w.rows(), outs[i], rowsPerPart(w.rows(), (long) w.cols() * n, small));
        }
        runMatVec(small);
    }

    /** Mat-mats of matrices with one input encoding and width, the input encoded once; false if they differ. */
    private boolean sharedGemm(WeightMatrix[] ws, float[] x, float[][] outs, int n) {
        for (WeightMatrix w : ws) {
            if (!gemmFits(w, prepare(w, kernel(w)), n) || w.type().vecDotType() != ws[0].type().vecDotType()
                    || w.cols() != ws[0].cols()) {
                return false;
            }
        }
        for (int i = 0; i < ws.length; i++) {
            kernel(ws[i]);
            check(ws[i], x, outs[i], n);
        }
        float[] input = gemmInput.encode(ws[0].type().vecDotType(), x, ws[0].cols(), n, pool);
        for (int i = 0; i < ws.length; i++) {
            runGemm(ws[i], prepare(ws[i], kernel(ws[i])), input, outs[i], n);
        }
        return true;
    }

    /** Values of a Q8_0 batch from which its encoding runs on the pool's threads ({@link BatchEncodeJob}). */
    private static final int BATCH_ENCODE_FROM = 1 << 15;

    /** Encodes {@code n} rows of {@code x} into {@link #activations} for weights of vec-dot type {@code encoding}. */
    private void encode(GgmlType encoding, float[] x, int cols, int n, boolean raw) {
        if (encoding == GgmlType.Q8_0 && !raw && (long) n * cols >= BATCH_ENCODE_FROM && pool.threads() > 1) {
            pool.run(batchEncode, batchEncode.set(activations, x, cols, n));
            batchEncode.finish();
            return;
        }
        activations.encode(encoding, x, cols, n, raw);
    }

    /** Runs the mat-vec set up in {@link #matVec}: on the calling thread alone when it is small. */
    private void runMatVec(boolean small) {
        if (small) {
            for (int p = 0; p < matVec.parts(); p++) {
                matVec.run(p, 0);
            }
        } else if (matVec.activationRows() == 1) {
            // One activation row streams the weights from memory: even shares (see WorkerPool). Batches do
            // more work per byte and keep guided runs.
            prefetchAfter(matVec, pool.shareOf(matVec.parts()));
            pool.runShares(matVec, matVec.parts());
        } else {
            prefetchAfter(matVec, pool.reservedParts(matVec.parts()));
            pool.run(matVec, matVec.parts());
        }
        matVec.clear();
    }

    /** Bytes the first worker reads ahead, per job: about a third of its core's 512 KiB L2 on Zen 3. */
    private static final int PREFETCH_BYTES = Integer.getInteger("chord.prefetchBytes", 192 << 10);
    /**
     * Per mat-vec job (its first matrix's kernel): where the first worker and the caller started in the job
     * that came next last time.
     */
    private final Map<RowKernel, MatVecJob.Range[]> nextStart = new WeakHashMap<>();
    /** The previous job's entry: this job's starts go there. */
    private MatVecJob.Range[] following;

    /**
     * Decoding runs the same mat-vecs in the same order every token: this job's first bytes for the first
     * worker and for the caller are recorded as what follows the previous job, and the bytes recorded as
     * following this one are handed to the pool to read while this job's end and the serial work after it
     * leave those threads waiting.
     */
    private void prefetchAfter(MatVecJob job, int firstWorkerPart) {
        if (PREFETCH_BYTES <= 0 || pool.threads() < 2) {
            return;
        }
        if (following != null) {
            job.bytesFrom(firstWorkerPart, PREFETCH_BYTES, following[0]);
            job.bytesFrom(0, PREFETCH_BYTES, following[1]);
        }
        following = nextStart.computeIfAbsent(job.first(), k -> new MatVecJob.Range[] {new MatVecJob.Range(), new MatVecJob.Range()});
        pool.prefetchNext(following[0].bytes, following[0].from, following[0].to);
        pool.prefetchNextOwn(following[1].bytes, following[1].from, following[1].to);
    }

    /**
     * Mat-vec rows per part, whole interleaved groups (one part when small). The last parts of a job set
     * how long one thread waits for the other, so about 64 parts per thread where each still holds
     * {@link #MIN_PART_MACS} (with 16 per thread, TinyLlama's 2-thread decode spent ~1.8 ms of a token's
     * thread time waiting for a last part, ~0.3 ms with these; see docs/PERFORMANCE.md, "Session 6"), and
     * never fewer than 16 per thread. That was for guided runs, which batches still take; a job of one
     * activation row is claimed in even shares since session 12, and its parts only set where a share ends.
     */
    private int rowsPerPart(int rows, long macsPerRow, boolean small) {
        int coarse = rows / (pool.threads() * 16);
        int fine = rows / (pool.threads() * 64);
        int bySize = (int) Math.min(coarse, (MIN_PART_MACS + macsPerRow - 1) / macsPerRow);
        int perPart = small ? rows : Math.max(MIN_ROWS_PER_PART, Math.max(fine, bySize));
        return (perPart + InterleavedKernel.GROUP - 1) / InterleavedKernel.GROUP * InterleavedKernel.GROUP;
    }

    private RowKernel kernel(WeightMatrix w) {
        RowKernel kernel = byType[w.type().ordinal()];
        if (kernel == null) {
            throw new IllegalArgumentException(w.name() + ": no kernel for " + w.type().displayName + " weights");
        }
        return kernel;
    }

    private static void check(WeightMatrix w, float[] x, float[] out, int n) {
        if (x.length < n * w.cols() || out.length < n * w.rows()) {
            throw new IllegalArgumentException(w.name() + ": " + n + " rows need " + n * w.cols() + " inputs and "
                    + n * w.rows() + " outputs, got " + x.length + " and " + out.length);
        }
    }

    /** A plain loop over {@link Float#floatToFloat16}, which C2 compiles to F16C's vector conversion. */
    @Override
    public void toHalf(float[] src, int from, short[] dst, int at, int n) {
        for (int i = 0; i < n; i++) {
            dst[at + i] = Float.floatToFloat16(src[from + i]);
        }
    }

    /** Values of a batch's RMSNorm or SwiGLU from which it runs on the pool's threads ({@link ElementwiseJob}). */
    private static final int ELEMENTWISE_PARALLEL_FROM = 1 << 14;

    @Override
    public void rmsNorm(float[] x, float[] weight, float[] out, int n, int rows, float eps) {
        if (rows > 1 && (long) rows * n >= ELEMENTWISE_PARALLEL_FROM) {
            runElementwise(elementwise.rmsNorm(x, weight, out, n, rows, eps));
        } else {
            FusedOps.rmsNorm(x, weight, out, n, 0, rows, eps);
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        if (n >= 2 * ELEMENTWISE_PARALLEL_FROM) {
            runElementwise(elementwise.swiglu(gate, up, n));
        } else {
            FusedOps.swiglu(gate, up, 0, n);
        }
    }

    private void runElementwise(int parts) {
        pool.runShares(elementwise, parts);
        elementwise.clear();
    }

    @Override
    public void attention(float[] q, int qOffset, short[] keys, short[] values, int length,
                          AttentionShape shape, float[] out, int outOffset) {
        if (!VectorAttention.supports(shape)) {
            if (attentionScratch.length < 2 * shape.headDim()) {
                attentionScratch = new float[2 * shape.headDim()];
            }
            FlashAttention.compute(q, qOffset, keys, values, length, shape, out, outOffset, attentionScratch);
            return;
        }
        runAttention(q, qOffset, keys, values, length - 1, 1, shape, out, outOffset);
    }

    @Override
    public void causalAttention(float[] q, short[] keys, short[] values, int start, int n, AttentionShape shape,
                                float[] out) {
        if (!VectorAttention.supports(shape)) {
            Kernels.super.causalAttention(q, keys, values, start, n, shape, out);
            return;
        }
        runAttention(q, 0, keys, values, start, n, shape, out, 0);
    }

    private void runAttention(float[] q, int qOffset, short[] keys, short[] values, int start, int n,
                              AttentionShape shape, float[] out, int outOffset) {
        if (n == 1) {
            runDecodeAttention(q, qOffset, keys, values, start + 1, shape, out, outOffset);
            return;
        }
        int parts = attention.set(q, qOffset, keys, values, start, n, shape, out, outOffset, pool.threads());
        // Work grows with the queries times the positions they see.
        long work = (long) n * (start + (n + 1) / 2) * shape.qDim();
        if (work < PARALLEL_FROM) {
            for (int p = 0; p < parts; p++) {
                attention.run(p, 0);
            }
        } else {
            pool.run(attention, parts);
        }
        attention.clear();
    }

    /**
     * One query: a part is a run of kv heads, one per thread (see {@link DecodeAttention}). A call has a
     * fixed cost (the query's rounding, the output: about a microsecond for stories110M's 12 heads, 2 for
     * TinyLlama's 32) and the pool's dispatch costs about half a microsecond, so two threads win from a
     * serial call of ~2 us on (measured on 2 cores in a quiet moment, best of many calls: 12 heads at 12
     * positions 4.7 us on one thread, 3.1 on two; 32 heads at 4 positions 4.0 and 2.5). Here the pool takes
     * over at 6 positions of 12 heads of 64 (2.6 us serial), 2 of 32 (2.9 us), leaving a margin for a
     * second core that is busy elsewhere.
     */
    private void runDecodeAttention(float[] q, int qOffset, short[] keys, short[] values, int length,
                                    AttentionShape shape, float[] out, int outOffset) {
        boolean serial = (long) length * shape.qDim() < PARALLEL_FROM / 16;
        int parts = decodeAttention.set(q, qOffset, keys, values, length, shape, out, outOffset,
                serial ? 1 : pool.threads(), pool.threads());
        if (serial) {
            for (int p = 0; p < parts; p++) {
                decodeAttention.run(p, 0);
            }
        } else {
            pool.run(decodeAttention, parts);
        }
        decodeAttention.clear();
    }

    /**
     * The kernel and bytes of a weight matrix, made on its first use: the mapping itself; or, for formats
     * with an {@link InterleavedKernel}, a repacked copy in a heap array owned by the kernel (the mapped
     * pages it was read from are then released, so the resident set stays about the file's size; if the
     * heap cannot take it, the mapping with the file-layout kernel); or, for in-memory sources
     * (small models are read into the heap), a copy into an array of the element type the kernel loads.
     * C2 compiles a float or short vector load from a byte[]-backed segment as a slow, allocating
     * fallback (F32 ran at 0.6 GMAC/s that way, 10 from a float[]).
     */
    private Prepared prepare(WeightMatrix w, RowKernel kernel) {
        ByteSource data = w.data();
        synchronized (prepared) {
            Prepared p = prepared.get(data);
            if (p == null) {
                p = load(w, kernel);
                prepared.put(data, p);
            }
            return p;
        }
    }

    private static Prepared load(WeightMatrix w, RowKernel kernel) {
        ByteSource data = w.data();
        InterleavedKernel interleaved = REPACK && w.rows() >= InterleavedKernel.GROUP ? kernel.interleaved(w.rows()) : null;
        Prepared repacked = interleaved == null ? null : repacked(w, interleaved);
        if (repacked != null) {
            return repacked;
        }
        if (data instanceof MappedFile m) {
            return new Prepared(kernel, m.segment());
        }
        int size = Math.toIntExact(data.size());
        MemorySegment copy = switch (w.type()) {
            case F32 -> MemorySegment.ofArray(new float[(size + 3) / 4]);
            case F16, BF16 -> MemorySegment.ofArray(new short[(size + 1) / 2]);
            default -> MemorySegment.ofArray(new byte[size]);
        };
        MemorySegment.copy(heapBytes(data), 0, copy, 0, size);
        return new Prepared(kernel, copy);
    }

    /**
     * {@code w} repacked by {@code interleaved}; null, to keep the file layout, where the heap cannot take
     * it (with a warning) or the layout does not take its rows (see {@link InterleavedKernel#accept}).
     */
    private static Prepared repacked(WeightMatrix w, InterleavedKernel interleaved) {
        if (!interleaved.fitsArray(w.cols()) || !heapCanTake(interleaved.packedBytes(w.cols()))) {
            warnHeapFull(w);
            return null;
        }
        MemorySegment source = w.data() instanceof MappedFile m ? m.segment() : heapBytes(w.data());
        boolean taken;
        try {
            taken = interleaved.repack(source, w.cols());
        } catch (OutOfMemoryError e) {
            warnHeapFull(w);
            return null;
        }
        if (!taken) {
            return null;
        }
        if (source.isMapped()) {
            source.unload(); // read once, never again: give the pages back
        }
        return new Prepared(interleaved, interleaved.packedSegment());
    }

    private static boolean warnedHeapFull;

    /**
     * Whether the heap can take {@code bytes} more and keep an eighth of its maximum (at least 64 MiB)
     * free for the run's own buffers: a model that does not fit keeps its later matrices in the file
     * layout rather than failing mid-generation.
     */
    private static boolean heapCanTake(long bytes) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long reserve = Math.max(64L << 20, rt.maxMemory() / 8);
        return rt.maxMemory() - used - bytes >= reserve;
    }

    /** Once per run: a matrix stays in the file layout (slower decoding) because the heap could not take its repacked copy. */
    private static synchronized void warnHeapFull(WeightMatrix w) {
        if (!warnedHeapFull) {
            warnedHeapFull = true;
            System.err.println("chord: warning: the Java heap cannot hold a repacked copy of " + w.name()
                    + " (" + w.type().displayName + "); such matrices keep the file layout and decode slower."
                    + " Give the JVM more heap (-Xmx) for full speed.");
        }
    }

    private static MemorySegment heapBytes(ByteSource data) {
        int size = Math.toIntExact(data.size());
        byte[] bytes = new byte[size];
        data.read(0, bytes, 0, size);
        return MemorySegment.ofArray(bytes);
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "vector " + Simd.BITS + "-bit, " + pool.threads() + (pool.threads() == 1 ? " thread" : " threads");
    }
}
