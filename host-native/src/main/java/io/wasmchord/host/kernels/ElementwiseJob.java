package io.wasmchord.host.kernels;

/**
 * A batch's RMSNorm or SwiGLU ({@link FusedOps}) split over the pool: on the calling thread alone, with
 * the other threads waiting, they were ~5% of a stories110M prompt's time (docs/PERFORMANCE.md,
 * "Session 13"). Parts cost alike, so they run as even shares.
 */
final class ElementwiseJob implements WorkerPool.RangeJob {
    /** SwiGLU values per part: a multiple of every vector width. */
    static final int SWIGLU_PART = 1 << 12;

    private float[] x;
    private float[] other;
    private float[] out;
    private int n;
    private float eps;
    private int length;

    /** Sets up RMSNorm of {@code rows} rows of {@code n} values (one row per part); returns the part count. */
    int rmsNorm(float[] x, float[] weight, float[] out, int n, int rows, float eps) {
        this.x = x;
        this.other = weight;
        this.out = out;
        this.n = n;
        this.eps = eps;
        return rows;
    }

    /** Sets up SwiGLU of the first {@code length} values of {@code gate} and {@code up}; returns the part count. */
    int swiglu(float[] gate, float[] up, int length) {
        this.x = gate;
        this.other = up;
        this.out = null;
        this.length = length;
        return (length + SWIGLU_PART - 1) / SWIGLU_PART;
    }

    @Override
    public void run(int from, int to, int worker) {
        if (out != null) {
            FusedOps.rmsNorm(x, other, out, n, from, to, eps);
        } else {
            FusedOps.swiglu(x, other, from * SWIGLU_PART, Math.min(length, to * SWIGLU_PART));
        }
    }

    /** After the job: drops the arrays. */
    void clear() {
        x = null;
        other = null;
        out = null;
    }
}
