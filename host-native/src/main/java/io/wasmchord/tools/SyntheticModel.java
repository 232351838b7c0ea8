package io.wasmchord.tools;

import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.tools.QuantMix.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A random-weight Llama model of a real shape, laid out as llama.cpp's converter and llama-quantize
 * write one (same keys, tensor names, shapes and per-tensor types), streamed a chunk at a time.
 */
public final class SyntheticModel {
    private static final int CHUNK = 1 << 20;

    private SyntheticModel() {
    }

    /** A writer whose tensors are generated only as {@link GgufWriter#write} streams them out. */
    public static GgufWriter writer(ModelShape shape, QuantMix mix, Map<String, GgufValue> vocab, long seed) {
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.of("llama"));
        w.put("general.name", GgufValue.of("synthetic " + shape.name() + " " + mix.name()));
        w.put("general.file_type", GgufValue.ofUint32(mix.fileType()));
        w.put("general.quantization_version", GgufValue.ofUint32(2));
        w.put("llama.context_length", GgufValue.ofUint32(shape.contextLength()));
        w.put("llama.embedding_length", GgufValue.ofUint32(shape.dim()));
        w.put("llama.feed_forward_length", GgufValue.ofUint32(shape.hidden()));
        w.put("llama.block_count", GgufValue.ofUint32(shape.layers()));
        w.put("llama.attention.head_count", GgufValue.ofUint32(shape.heads()));
        w.put("llama.attention.head_count_kv", GgufValue.ofUint32(shape.kvHeads()));
        w.put("llama.rope.dimension_count", GgufValue.ofUint32(shape.headDim()));
        w.put("llama.rope.freq_base", GgufValue.ofFloat32(shape.ropeBase()));
        w.put("llama.attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(shape.rmsEps()));
        w.put("llama.vocab_size", GgufValue.ofUint32(shape.vocab()));
        w.putAll(vocab);

        int[] index = {0};
        int d = shape.dim();
        int n = shape.layers();
        matrix(w, "token_embd.weight", mix.typeFor(Role.TOKEN_EMBD, 0, n, shape), d, shape.vocab(), seed, index);
        for (int l = 0; l < n; l++) {
            String p = "blk." + l + ".";
            vector(w, p + "attn_norm.weight", d, seed, index);
            matrix(w, p + "attn_q.weight", mix.typeFor(Role.ATTN_Q, l, n, shape), d, d, seed, index);
            matrix(w, p + "attn_k.weight", mix.typeFor(Role.ATTN_K, l, n, shape), d, shape.kvDim(), seed, index);
            matrix(w, p + "attn_v.weight", mix.typeFor(Role.ATTN_V, l, n, shape), d, shape.kvDim(), seed, index);
            matrix(w, p + "attn_output.weight", mix.typeFor(Role.ATTN_OUTPUT, l, n, shape), d, d, seed, index);
            vector(w, p + "ffn_norm.weight", d, seed, index);
            matrix(w, p + "ffn_gate.weight", mix.typeFor(Role.FFN_GATE, l, n, shape), d, shape.hidden(), seed, index);
            matrix(w, p + "ffn_down.weight", mix.typeFor(Role.FFN_DOWN, l, n, shape), shape.hidden(), d, seed, index);
            matrix(w, p + "ffn_up.weight", mix.typeFor(Role.FFN_UP, l, n, shape), d, shape.hidden(), seed, index);
        }
        vector(w, "output_norm.weight", d, seed, index);
        matrix(w, "output.weight", mix.typeFor(Role.OUTPUT, n, n, shape), d, shape.vocab(), seed, index);
        return w;
    }

    /** A matrix of {@code rows} rows of {@code cols} values (ggml shape [cols, rows]). */
    private static void matrix(GgufWriter w, String name, GgmlType type, int cols, int rows, long seed, int[] index) {
        if (cols % type.blockSize != 0) {
            throw new IllegalArgumentException(name + ": rows of " + cols + " values do not split into "
                    + type.displayName + " blocks of " + type.blockSize);
        }
        long tensorSeed = seed * 1_000_003L + index[0]++;
        long bytes = type.bytesFor((long) cols * rows);
        w.addTensor(name, type, new long[]{cols, rows}, out -> stream(type, bytes, 0f, tensorSeed, out));
    }

    /** An RMSNorm weight: F32, values near one but not all one. */
    private static void vector(GgufWriter w, String name, int length, long seed, int[] index) {
        long tensorSeed = seed * 1_000_003L + index[0]++;
        w.addTensor(name, GgmlType.F32, new long[]{length}, out -> stream(GgmlType.F32, 4L * length, 1f, tensorSeed, out));
    }

    private static void stream(GgmlType type, long bytes, float centre, long seed, OutputStream out) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int chunk = CHUNK / type.typeSize * type.typeSize;
        byte[] buffer = new byte[(int) Math.min(chunk, bytes)];
        for (long left = bytes; left > 0; ) {
            int len = (int) Math.min(buffer.length, left);
            RandomBlocks.fill(type, buffer, len, centre, random);
            out.write(buffer, 0, len);
            left -= len;
        }
    }
}
