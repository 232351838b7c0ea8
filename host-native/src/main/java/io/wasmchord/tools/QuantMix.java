package io.wasmchord.tools;

import io.wasmchord.quant.GgmlType;
import java.util.List;

/**
 * What llama-quantize writes for a file type: a default block type, and the per-tensor exceptions of
 * llama.cpp's {@code llama_tensor_get_type} (src/llama-quant.cpp) for Llama models whose rows are whole
 * multiples of 256. {@code pure} files use the default type for every matrix, like
 * {@code llama-quantize --pure} (output.weight included).
 */
public record QuantMix(String name, int fileType, GgmlType base, boolean pure) {

    /** Role of a matrix in a Llama block, as the mixture rules name them. */
    public enum Role { TOKEN_EMBD, OUTPUT, ATTN_Q, ATTN_K, ATTN_V, ATTN_OUTPUT, FFN_GATE, FFN_UP, FFN_DOWN }

    /** The llama_ftype numbers stored in general.file_type. */
    public static final List<QuantMix> KNOWN = List.of(
            new QuantMix("F32", 0, GgmlType.F32, false),
            new QuantMix("F16", 1, GgmlType.F16, false),
            new QuantMix("BF16", 32, GgmlType.BF16, false),
            new QuantMix("Q8_0", 7, GgmlType.Q8_0, false),
            new QuantMix("Q4_0", 2, GgmlType.Q4_0, false),
            new QuantMix("Q4_1", 3, GgmlType.Q4_1, false),
            new QuantMix("Q5_0", 8, GgmlType.Q5_0, false),
            new QuantMix("Q5_1", 9, GgmlType.Q5_1, false),
            new QuantMix("Q2_K", 10, GgmlType.Q2_K, false),
            new QuantMix("Q3_K_S", 11, GgmlType.Q3_K, false),
            new QuantMix("Q3_K_M", 12, GgmlType.Q3_K, false),
            new QuantMix("Q3_K_L", 13, GgmlType.Q3_K, false),
            new QuantMix("Q4_K_S", 14, GgmlType.Q4_K, false),
            new QuantMix("Q4_K_M", 15, GgmlType.Q4_K, false),
            new QuantMix("Q5_K_S", 16, GgmlType.Q5_K, false),
            new QuantMix("Q5_K_M", 17, GgmlType.Q5_K, false),
            new QuantMix("Q6_K", 18, GgmlType.Q6_K, false),
            new QuantMix("IQ4_NL", 25, GgmlType.IQ4_NL, false),
            new QuantMix("IQ4_XS", 30, GgmlType.IQ4_XS, false));

    /** A mixture by llama-quantize's name ("Q4_K_M"), or a single block type with "-pure" ("Q4_K-pure"). */
    public static QuantMix byName(String name) {
        for (QuantMix m : KNOWN) {
            if (m.name.equalsIgnoreCase(name)) {
                return m;
            }
        }
        if (name.toLowerCase().endsWith("-pure")) {
            GgmlType t = GgmlType.byName(name.substring(0, name.length() - 5));
            if (t != null && RandomBlocks.supports(t)) {
                return new QuantMix(t.displayName + "-pure", pureFileType(t), t, true);
            }
        }
        return null;
    }

    /** llama-quantize stores the _M file type for a pure K-quant file, the plain one otherwise. */
    private static int pureFileType(GgmlType t) {
        switch (t) {
            case Q3_K: return 12;
            case Q4_K: return 15;
            case Q5_K: return 17;
            default: break;
        }
        for (QuantMix m : KNOWN) {
            if (m.base == t) {
                return m.fileType;
            }
        }
        return 0;
    }

    /** The block type of one matrix; {@code layer}/{@code layers} place it in the stack. */
    public GgmlType typeFor(Role role, int layer, int layers, ModelShape shape) {
        if (pure || !isQuantized()) {
            return base;
        }
        boolean moreBits = useMoreBits(layer, layers);
        int gqa = shape.heads() / shape.kvHeads();
        return switch (role) {
            case OUTPUT -> base == GgmlType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
            case ATTN_V -> switch (name) {
                case "Q2_K" -> gqa >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
                case "Q3_K_M" -> layer < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                case "IQ4_NL", "IQ4_XS" -> gqa >= 4 ? GgmlType.Q5_K : base;
                case "Q4_K_M", "Q5_K_M" -> moreBits ? GgmlType.Q6_K : base;
                case "Q4_K_S" -> layer < 4 ? GgmlType.Q5_K : base;
                default -> base;
            };
            case FFN_DOWN -> switch (name) {
                case "Q2_K" -> GgmlType.Q3_K;
                case "Q3_K_M" -> layer < layers / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                case "Q4_K_M", "Q5_K_M" -> moreBits ? GgmlType.Q6_K : base;
                case "IQ4_NL", "IQ4_XS" -> layer < layers / 8 ? GgmlType.Q5_K : base;
                case "Q4_K_S" -> layer < layers / 8 ? GgmlType.Q5_K : base;
                default -> base;
            };
            case ATTN_OUTPUT -> switch (name) {
                case "Q2_K" -> GgmlType.Q3_K;
                case "Q3_K_M" -> GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                default -> base;
            };
            default -> base;
        };
    }

    public boolean isQuantized() {
        return base.blockSize > 1;
    }

    /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third in between. */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }
}
