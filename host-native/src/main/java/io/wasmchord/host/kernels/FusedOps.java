package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.F;
import static io.wasmchord.host.kernels.Simd.FLOATS;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise steps around the matmuls, vectorised and fused: RMSNorm times the norm weight in one
 * pass over the output, SwiGLU (silu of the gate times up) in one pass. Numerics follow
 * engine-common's VectorMath: squares in float summed in double, then {@code x * scale * weight}.
 */
final class FusedOps {
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, Simd.SHAPE);

    private FusedOps() {
    }

    /** Rows {@code [fromRow, toRow)} of {@code n} values each. */
    static void rmsNorm(float[] x, float[] weight, float[] out, int n, int fromRow, int toRow, float eps) {
        int whole = n - n % FLOATS;
        for (int t = fromRow; t < toRow; t++) {
            int base = t * n;
            DoubleVector sum0 = DoubleVector.zero(D);
            DoubleVector sum1 = DoubleVector.zero(D);
            for (int i = 0; i < whole; i += FLOATS) {
                FloatVector v = FloatVector.fromArray(F, x, base + i);
                FloatVector squares = v.mul(v);
                sum0 = ((DoubleVector) squares.convertShape(VectorOperators.F2D, D, 0)).add(sum0);
                sum1 = ((DoubleVector) squares.convertShape(VectorOperators.F2D, D, 1)).add(sum1);
            }
            double sum = sum0.add(sum1).reduceLanes(VectorOperators.ADD);
            for (int i = whole; i < n; i++) {
                float v = x[base + i];
                sum += v * v;
            }
            float mean = (float) (sum / n);
            float scale = 1f / (float) Math.sqrt(mean + eps);
            for (int i = 0; i < whole; i += FLOATS) {
                FloatVector.fromArray(F, x, base + i).mul(scale).mul(FloatVector.fromArray(F, weight, i)).intoArray(out, base + i);
            }
            for (int i = whole; i < n; i++) {
                out[base + i] = x[base + i] * scale * weight[i];
            }
        }
    }

    /** Values {@code [from, to)}. */
    static void swiglu(float[] gate, float[] up, int from, int to) {
        int whole = to - (to - from) % FLOATS;
        for (int i = from; i < whole; i += FLOATS) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            g.div(g.neg().lanewise(VectorOperators.EXP).add(1f)).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (int i = whole; i < to; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }
}
