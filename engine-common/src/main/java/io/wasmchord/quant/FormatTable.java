package io.wasmchord.quant;

/**
 * The block format of every type the engine computes with, by enum ordinal. Built on first use, after
 * GgmlType itself is initialised, so formats may refer to their own type.
 */
final class FormatTable {
    private static final BlockFormat[] BY_ORDINAL = build();

    private FormatTable() {
    }

    static BlockFormat of(GgmlType type) {
        return BY_ORDINAL[type.ordinal()];
    }

    private static BlockFormat[] build() {
        BlockFormat[] table = new BlockFormat[GgmlType.values().length];
        for (GgmlType type : GgmlType.values()) {
            table[type.ordinal()] = create(type);
        }
        return table;
    }

    private static BlockFormat create(GgmlType type) {
        return switch (type) {
            case F32 -> new F32Format();
            case F16 -> new HalfWidthFormat.F16();
            case BF16 -> new HalfWidthFormat.BF16();
            case Q8_0 -> new Q8_0Format();
            case Q8_1 -> new Q8_1Format();
            case Q4_0 -> new Q4_0Format();
            case Q4_1 -> new Q4_1Format();
            case Q5_0 -> new Q5_0Format();
            case Q5_1 -> new Q5_1Format();
            case IQ4_NL -> new IQ4_NLFormat();
            case Q2_K -> new Q2_KFormat();
            case Q3_K -> new Q3_KFormat();
            case Q4_K -> new Q4_KFormat();
            case Q5_K -> new Q5_KFormat();
            case Q6_K -> new Q6_KFormat();
            case Q8_K -> new Q8_KFormat();
            case IQ4_XS -> new IQ4_XSFormat();
            default -> null;
        };
    }
}
