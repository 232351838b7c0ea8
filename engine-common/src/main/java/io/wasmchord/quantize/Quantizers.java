package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/** The quantizer of every tensor type this project can write. */
public final class Quantizers {
    private static final Map<GgmlType, BlockQuantizer> BY_TYPE = new EnumMap<>(GgmlType.class);

    static {
        register(new FloatQuantizer(GgmlType.F32));
        register(new FloatQuantizer(GgmlType.F16));
        register(new FloatQuantizer(GgmlType.BF16));
        register(new Q8_0Quantizer());
        register(new ScaleOnlyQuantizer(GgmlType.Q4_0));
        register(new ScaleOnlyQuantizer(GgmlType.Q5_0));
        register(new ScaleMinQuantizer(GgmlType.Q4_1));
        register(new ScaleMinQuantizer(GgmlType.Q5_1));
        register(new Q2_KQuantizer());
        register(new Q3_KQuantizer());
        register(new ScaleMinKQuantizer(GgmlType.Q4_K));
        register(new ScaleMinKQuantizer(GgmlType.Q5_K));
        register(new Q6_KQuantizer());
        register(new Iq4Quantizer(GgmlType.IQ4_NL));
        register(new Iq4Quantizer(GgmlType.IQ4_XS));
    }

    private Quantizers() {
    }

    private static void register(BlockQuantizer q) {
        BY_TYPE.put(q.type(), q);
    }

    /** True if tensors of {@code type} can be written. */
    public static boolean supports(GgmlType type) {
        return BY_TYPE.containsKey(type);
    }

    public static Set<GgmlType> supported() {
        return BY_TYPE.keySet();
    }

    /** The quantizer for {@code type}; an unsupported type is an error naming the supported ones. */
    public static BlockQuantizer of(GgmlType type) {
        BlockQuantizer q = BY_TYPE.get(type);
        if (q == null) {
            throw new IllegalArgumentException("cannot quantize to " + type.displayName + "; supported: " + names());
        }
        return q;
    }

    static String names() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : BY_TYPE.keySet()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.displayName);
        }
        return sb.toString();
    }
}
