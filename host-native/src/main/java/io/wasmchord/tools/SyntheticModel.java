package io.wasmchord.tools;

import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.quantize.ModelHparams;
import io.wasmchord.quantize.QuantizePlan;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
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

        Map<String, long[]> shapes = tensorShapes(shape);
        ModelHparams hparams = new ModelHparams("llama", shape.layers(), shape.heads(), shape.kvHeads(), 0);
        Map<String, GgmlType> types = QuantizePlan.tensorTypes(hparams, mix.options(), shapes);
        int[] index = {0};
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] ne = e.getValue();
            if (ne.length == 1) {
                vector(w, e.getKey(), (int) ne[0], seed, index);
            } else {
                matrix(w, e.getKey(), types.get(e.getKey()), (int) ne[0], (int) ne[1], seed, index);
            }
        }
        return w;
    }

    /** Every tensor's ggml shape ([cols, rows] for matrices), in the order llama.cpp's converter writes them. */
    private static Map<String, long[]> tensorShapes(ModelShape shape) {
        long d = shape.dim();
        long kv = shape.kvDim();
        long ffn = shape.hidden();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("token_embd.weight", new long[]{d, shape.vocab()});
        for (int l = 0; l < shape.layers(); l++) {
            String p = "blk." + l + ".";
            shapes.put(p + "attn_norm.weight", new long[]{d});
            shapes.put(p + "attn_q.weight", new long[]{d, d});
            shapes.put(p + "attn_k.weight", new long[]{d, kv});
            shapes.put(p + "attn_v.weight", new long[]{d, kv});
            shapes.put(p + "attn_output.weight", new long[]{d, d});
            shapes.put(p + "ffn_norm.weight", new long[]{d});
            shapes.put(p + "ffn_gate.weight", new long[]{d, ffn});
            shapes.put(p + "ffn_down.weight", new long[]{ffn, d});
            shapes.put(p + "ffn_up.weight", new long[]{d, ffn});
        }
        shapes.put("output_norm.weight", new long[]{d});
        shapes.put("output.weight", new long[]{d, shape.vocab()});
        return shapes;
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
