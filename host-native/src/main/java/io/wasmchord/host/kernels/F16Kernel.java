package io.wasmchord.host.kernels;

import static io.wasmchord.host.kernels.Simd.FLOATS;

import io.wasmchord.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** F16 weights against activations rounded to fp16 (each product exact in float, as in ggml). */
final class F16Kernel extends RowKernel {
    F16Kernel() {
        super(GgmlType.F16);
    }

    @Override
    float dot(MemorySegment w, long offset, Activations a, int t, Scratch s) {
        int n = a.cols;
        float[] x = a.f;
        int xi = t * n;
        FloatVector acc = FloatVector.zero(Simd.F);
        int i = 0;
        for (; i + FLOATS <= n; i += FLOATS) {
            // Simd.halvesToFloats's exact conversion, spelled out here so the vector never leaves this loop.
            IntVector h = (IntVector) ShortVector.fromMemorySegment(Simd.S_HALF, w, offset + 2L * i, Simd.LE)
                    .convertShape(VectorOperators.S2I, Simd.I, 0);
            IntVector magnitude = h.and(0x7FFF);
            IntVector bits = magnitude.lanewise(VectorOperators.LSHL, 13);
            FloatVector v = bits.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .blend(bits.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00))
                    .or(h.and(0x80000000)).reinterpretAsFloats();
            acc = v.fma(FloatVector.fromArray(Simd.F, x, xi + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Simd.half(w, offset + 2L * i) * x[xi + i];
        }
        return sum;
    }

    @Override
    void dequantize(MemorySegment w, long offset, int cols, float[] dst, int at, Scratch s) {
        int whole = cols - cols % FLOATS;
        Simd.halvesToFloats(w, offset, dst, at, whole);
        for (int i = whole; i < cols; i++) {
            dst[at + i] = Simd.half(w, offset + 2L * i);
        }
    }
}
