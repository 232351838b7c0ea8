package io.wasmchord.convert;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A llama GGUF model with F32 weights as a llama2.c checkpoint (legacy format) and tokenizer.bin:
 * the inverse of {@link Llama2cConverter}, for tests and for timing the converter on large inputs.
 * A model with an output.weight gets a separate classifier (negative vocab_size in the header).
 */
public final class Llama2cWriter {
    private final GgufFile gguf;
    private final int dim;
    private final int hidden;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int vocab;
    private final int seqLen;

    public Llama2cWriter(GgufFile gguf) {
        this.gguf = gguf;
        if (!"llama".equals(gguf.getString("general.architecture", ""))) {
            throw new IllegalArgumentException(gguf.name() + ": only llama models can be written as llama2.c checkpoints");
        }
        this.dim = gguf.require("llama.embedding_length").asInt();
        this.hidden = gguf.require("llama.feed_forward_length").asInt();
        this.layers = gguf.require("llama.block_count").asInt();
        this.heads = gguf.require("llama.attention.head_count").asInt();
        this.kvHeads = gguf.getInt("llama.attention.head_count_kv", heads);
        this.vocab = (int) tensor("token_embd.weight").ne()[1];
        this.seqLen = gguf.getInt("llama.context_length", 2048);
    }

    private GgufTensor tensor(String name) {
        GgufTensor t = gguf.tensor(name);
        if (t == null) {
            throw new IllegalArgumentException(gguf.name() + ": no tensor " + name);
        }
        if (t.type() != GgmlType.F32) {
            throw new IllegalArgumentException(gguf.name() + ": " + name + " is " + t.type().displayName
                    + "; a llama2.c checkpoint holds F32 weights (write the F32 model)");
        }
        return t;
    }

    public void writeModel(OutputStream out) throws IOException {
        boolean separateClassifier = gguf.tensor("output.weight") != null;
        byte[] header = new byte[28];
        int[] h = {dim, hidden, layers, heads, kvHeads, separateClassifier ? -vocab : vocab, seqLen};
        for (int i = 0; i < h.length; i++) {
            LittleEndian.putInt(header, 4 * i, h[i]);
        }
        out.write(header);
        copy("token_embd.weight", out);
        perLayer("attn_norm.weight", out);
        perLayer("attn_q.weight", out);
        perLayer("attn_k.weight", out);
        perLayer("attn_v.weight", out);
        perLayer("attn_output.weight", out);
        perLayer("ffn_norm.weight", out);
        perLayer("ffn_gate.weight", out);
        perLayer("ffn_down.weight", out);
        perLayer("ffn_up.weight", out);
        copy("output_norm.weight", out);
        writeRopeTables(out);
        if (separateClassifier) {
            copy("output.weight", out);
        }
        out.flush();
    }

    private void perLayer(String suffix, OutputStream out) throws IOException {
        for (int i = 0; i < layers; i++) {
            copy("blk." + i + "." + suffix, out);
        }
    }

    private void copy(String name, OutputStream out) throws IOException {
        Llama2cConverter.copy(gguf.data(tensor(name)), out);
    }

    /** freq_cis_real then freq_cis_imag, [seq_len, head_size / 2] each, as llama2.c's export writes them. */
    private void writeRopeTables(OutputStream out) throws IOException {
        int half = dim / heads / 2;
        double base = gguf.getFloat("llama.rope.freq_base", 10000f);
        byte[] row = new byte[4 * half];
        for (int part = 0; part < 2; part++) {
            for (int t = 0; t < seqLen; t++) {
                for (int i = 0; i < half; i++) {
                    double freq = 1.0 / Math.pow(base, (2.0 * i) / (2.0 * half));
                    double angle = t * (float) freq;
                    LittleEndian.putFloat(row, 4 * i, (float) (part == 0 ? Math.cos(angle) : Math.sin(angle)));
                }
                out.write(row);
            }
        }
    }

    /** llama2.c's tokenizer.bin: max token length, then per token its score, byte length and bytes. */
    public void writeTokenizer(OutputStream out) throws IOException {
        String[] tokens = gguf.require("tokenizer.ggml.tokens").asStringArray();
        float[] scores = gguf.require("tokenizer.ggml.scores").asFloatArray();
        if (tokens.length != vocab) {
            throw new IllegalArgumentException(gguf.name() + ": " + tokens.length + " tokens for " + vocab + " embedding rows");
        }
        byte[][] bytes = new byte[tokens.length][];
        int max = 0;
        for (int i = 0; i < tokens.length; i++) {
            bytes[i] = tokens[i].replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
            max = Math.max(max, bytes[i].length);
        }
        byte[] b = new byte[8];
        LittleEndian.putInt(b, 0, max);
        out.write(b, 0, 4);
        for (int i = 0; i < tokens.length; i++) {
            LittleEndian.putFloat(b, 0, scores[i]);
            LittleEndian.putInt(b, 4, bytes[i].length);
            out.write(b, 0, 8);
            out.write(bytes[i]);
        }
        out.flush();
    }
}
