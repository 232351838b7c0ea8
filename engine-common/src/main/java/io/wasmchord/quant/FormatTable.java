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
            case F16 -> new F16Format();
            case BF16 -> new BF16Format();
            case Q8_0 -> new Q8_0Format();
            default -> null;
        };
    }
}
