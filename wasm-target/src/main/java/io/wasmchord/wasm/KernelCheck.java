package io.wasmchord.wasm;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import io.wasmchord.kernel.ScalarKernels;
import io.wasmchord.kernel.WeightMatrix;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.quant.Half;
import io.wasmchord.quantize.Quantizers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.teavm.interop.Address;

/**
 * The SIMD kernels against the scalar ones on random weights, for the tests: a matrix quantized by
 * engine-common's quantizers, placed in linear memory at an odd offset in small chunks (so rows
 * straddle chunk ends), multiplied by random activations both ways; every result must have the same bits.
 */
final class KernelCheck {
    private KernelCheck() {
    }

    static String compare(String typeName, int rows, int cols, int n, int seed, int chunkShift) {
        GgmlType type = GgmlType.byName(typeName);
        if (type == null) {
            throw new IllegalArgumentException("no tensor type " + typeName);
        }
        Prng random = new Prng(seed);
        float[] weights = new float[rows * cols];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = random.gaussian() * 0.05f;
        }
        byte[] bytes = new byte[(int) type.bytesFor((long) rows * cols)];
        Quantizers.of(type).quantize(weights, 0, weights.length, bytes, 0);
        int offset = 3;
        LinearMemorySource source = new LinearMemorySource("random " + typeName, offset + bytes.length, chunkShift);
        try {
            for (int i = 0; i < bytes.length; i++) {
                Address.fromInt(source.address(offset + i)).putByte(bytes[i]);
            }
            WeightMatrix w = new WeightMatrix("random", type, rows, cols, source.slice(offset, bytes.length));
            float[] x = new float[n * cols];
            for (int i = 0; i < x.length; i++) {
                // mostly small, a few large: blocks with very different scales
                x[i] = random.gaussian() * (random.next() % 17 == 0 ? 8f : 1f);
            }
            float[] expected = new float[n * rows];
            float[] actual = new float[n * rows];
            new ScalarKernels().matmul(w, x, expected, n);
            WasmSimdKernels simd = new WasmSimdKernels();
            try {
                simd.matmul(w, x, actual, n);
            } finally {
                simd.release();
            }
            int mismatches = 0;
            int first = -1;
            for (int i = 0; i < expected.length; i++) {
                if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                    mismatches++;
                    first = first < 0 ? i : first;
                }
            }
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("type", type.displayName);
            j.put("simd", SimdKernelModule.kernelOf(type) >= 0);
            j.put("values", expected.length);
            j.put("mismatches", mismatches);
            j.put("first", first);
            j.put("expected", first < 0 ? null : (Object) Float.toString(expected[first]));
            j.put("actual", first < 0 ? null : (Object) Float.toString(actual[first]));
            j.put("sample", Float.toString(expected[expected.length / 2]));
            return io.wasmchord.json.Json.write(j);
        } finally {
            source.close();
        }
    }

    /**
     * The Wasm SIMD attention (SimdAttention) against engine-common's FlashAttention
     * on random queries and an fp16 cache (values of very different sizes, some subnormal or zero in
     * fp16), as a model uses them: positions stored one by one, each followed by attention over the
     * cache so far; then the second half stored anew (a kept prefix) and attended again.
     */
    static String compareAttention(int heads, int kvHeads, int headDim, int length, int seed) {
        Prng random = new Prng(seed);
        AttentionShape shape = new AttentionShape(heads, kvHeads, headDim, 1f / (float) Math.sqrt(headDim));
        int kvDim = shape.kvDim();
        short[] keys = new short[length * kvDim];
        short[] values = new short[length * kvDim];
        float[] q = new float[heads * headDim + 5];
        float[] expected = new float[q.length];
        float[] simd = new float[q.length];
        SimdAttention attention = new SimdAttention();
        int mismatches = 0;
        int compared = 0;
        try {
            for (int round = 0; round < 2; round++) {
                for (int p = round == 0 ? 0 : length / 2; p < length; p++) {
                    for (int i = p * kvDim; i < (p + 1) * kvDim; i++) {
                        int kind = random.next() % 50;
                        float scale = kind == 0 ? 1e-6f : kind == 1 ? 0f : kind == 2 ? 300f : 1f;
                        keys[i] = Half.fromFloat(random.gaussian() * scale);
                        values[i] = Half.fromFloat(random.gaussian() * (kind == 3 ? 1e-5f : kind == 4 ? 4000f : 2f));
                    }
                    for (int i = 0; i < q.length; i++) {
                        q[i] = random.gaussian() * 3f;
                    }
                    FlashAttention.compute(q, 5, keys, values, p + 1, shape, expected, 5, new float[2 * headDim]);
                    attention.compute(q, 5, keys, values, p + 1, shape, simd, 5);
                    for (int i = 5; i < expected.length; i++) {
                        int bits = Float.floatToRawIntBits(expected[i]);
                        mismatches += bits != Float.floatToRawIntBits(simd[i]) ? 1 : 0;
                        compared++;
                    }
                }
            }
        } finally {
            attention.release();
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("values", compared);
        j.put("mismatches", mismatches);
        j.put("sample", Float.toString(expected[5 + headDim / 2]));
        return io.wasmchord.json.Json.write(j);
    }

    /** xorshift32 with Box-Muller: repeatable random values without java.util.Random. */
    private static final class Prng {
        private int state;

        Prng(int seed) {
            state = seed == 0 ? 0x9E3779B9 : seed;
        }

        int next() {
            state ^= state << 13;
            state ^= state >>> 17;
            state ^= state << 5;
            return state & 0x7FFFFFFF;
        }

        float uniform() {
            return (next() + 1f) / 2147483648f;
        }

        float gaussian() {
            return (float) (Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
        }
    }
}
