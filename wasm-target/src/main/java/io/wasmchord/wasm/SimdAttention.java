package io.wasmchord.wasm;

import io.wasmchord.kernel.AttentionShape;
import io.wasmchord.kernel.FlashAttention;
import io.wasmchord.quant.Half;
import java.util.ArrayList;
import java.util.List;
import org.teavm.interop.Address;
import org.teavm.runtime.heap.Heap;

/**
 * engine-common's {@link FlashAttention}, bit for bit, on the Wasm module: per head, the module computes
 * the scores from a mirror of the fp16 key cache in linear memory, Java does the softmax bookkeeping
 * (exp, running maximum) as FlashAttention does, and the module accumulates the value rows (a mirror
 * of the value cache) with each position's (rescale, weight) pair.
 *
 * <p>A mirror copies, on every call, the positions written since its last copy ({@link #written}, which
 * the kernels' fp16 stores report) and any past what it holds. Attention need not come after each store:
 * a prompt's last layer stores every position's key and value but attends only with the rows that give
 * logits, and a reset prompt then overwrites positions an earlier generation had copied.
 */
final class SimdAttention {
    private final List<CacheMirror> mirrors = new ArrayList<>();
    private final LinearScratch weights = new LinearScratch();
    private final LinearScratch scores = new LinearScratch();
    private final LinearScratch query = new LinearScratch();
    private final LinearScratch accumulator = new LinearScratch();

    void compute(float[] q, int qOffset, short[] keys, short[] values, int length, AttentionShape shape,
                 float[] out, int outOffset) {
        int headDim = shape.headDim();
        int kvDim = shape.kvDim();
        int group = shape.heads() / shape.kvHeads();
        float scale = shape.scale();
        int kAddress = mirror(keys).sync(length, kvDim);
        int vAddress = mirror(values).sync(length, kvDim);
        int sAddress = scores.reserve(4 * length);
        int qAddress = query.reserve(4 * headDim);
        int wAddress = weights.reserve(8 * length);
        int accAddress = accumulator.reserve(8 * headDim);
        int outAddress = accAddress + 4 * headDim;
        for (int h = 0; h < shape.heads(); h++) {
            int qBase = qOffset + h * headDim;
            for (int d = 0; d < headDim; d++) {
                Address.fromInt(qAddress + 4 * d).putFloat(Half.roundToHalf(q[qBase + d]));
            }
            int kvBase = (h / group) * headDim;
            SimdKernelModule.attendKeys(kAddress + 2 * kvBase, 2 * kvDim, length, headDim, qAddress, scale, sAddress);
            float sum = 0f;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < length; p++) {
                float s = Address.fromInt(sAddress + 4 * p).getFloat();
                float ms = 1f;
                float vs = 1f;
                if (s > max) {
                    ms = (float) Math.exp(max - s);
                    max = s;
                } else {
                    vs = (float) Math.exp(s - max);
                }
                Address w = Address.fromInt(wAddress + 8 * p);
                w.putFloat(ms);
                w.add(4).putFloat(vs);
                sum = sum * ms + vs;
            }
            float inv = sum == 0f ? 0f : 1f / sum;
            SimdKernelModule.attendValues(vAddress + 2 * kvBase, 2 * kvDim, length, headDim, wAddress, accAddress,
                    outAddress, inv);
            int oBase = outOffset + h * headDim;
            for (int d = 0; d < headDim; d++) {
                out[oBase + d] = Address.fromInt(outAddress + 4 * d).getFloat();
            }
        }
    }

    /** Reports that {@code cache[at, ...)} was just written, so a mirror of it copies from there next time. */
    void written(short[] cache, int at) {
        for (CacheMirror m : mirrors) {
            if (m.values == cache) {
                m.dirty = Math.min(m.dirty, at);
                return;
            }
        }
    }

    private CacheMirror mirror(short[] cache) {
        for (CacheMirror m : mirrors) {
            if (m.values == cache) {
                return m;
            }
        }
        CacheMirror m = new CacheMirror(cache);
        mirrors.add(m);
        return m;
    }

    void release() {
        for (CacheMirror m : mirrors) {
            Heap.release(Address.fromInt(m.address));
        }
        mirrors.clear();
        weights.release();
        scores.release();
        query.release();
        accumulator.release();
    }

    /** One layer's key or value cache as fp16 in linear memory, kept up to date position by position. */
    private static final class CacheMirror {
        final short[] values;
        final int address;
        /** Positions copied; and the first element written since the last copy (MAX_VALUE: none). */
        int synced;
        int dirty = Integer.MAX_VALUE;

        CacheMirror(short[] values) {
            this.values = values;
            Address a = Heap.alloc(2 * values.length);
            if (a == null || a.toInt() == 0) {
                throw new IllegalStateException("out of WebAssembly memory for a mirror of the KV cache ("
                        + 2L * values.length + " bytes)");
            }
            this.address = a.toInt();
        }

        /** Copies positions from the first that may have changed up to {@code length}; returns the address. */
        int sync(int length, int kvDim) {
            int from = Math.min(Math.min(synced, length - 1) * kvDim, dirty);
            int to = length * kvDim;
            for (int i = from; i < to; i++) {
                Address.fromInt(address + 2 * i).putShort(values[i]);
            }
            synced = length;
            dirty = Integer.MAX_VALUE;
            return address;
        }
    }
}
