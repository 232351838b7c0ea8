package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * llama.cpp's file types (llama_ftype) that this project can produce: the value written to
 * {@code general.file_type}, the type most tensors get, and the name llama-quantize accepts.
 * The K mixtures (_S/_M/_L) differ only in which tensors get more bits.
 */
public enum FileType {
    ALL_F32(0, "F32", GgmlType.F32),
    MOSTLY_F16(1, "F16", GgmlType.F16),
    MOSTLY_Q4_0(2, "Q4_0", GgmlType.Q4_0),
    MOSTLY_Q4_1(3, "Q4_1", GgmlType.Q4_1),
    MOSTLY_Q8_0(7, "Q8_0", GgmlType.Q8_0),
    MOSTLY_Q5_0(8, "Q5_0", GgmlType.Q5_0),
    MOSTLY_Q5_1(9, "Q5_1", GgmlType.Q5_1),
    MOSTLY_Q2_K(10, "Q2_K", GgmlType.Q2_K),
    MOSTLY_Q3_K_S(11, "Q3_K_S", GgmlType.Q3_K),
    MOSTLY_Q3_K_M(12, "Q3_K_M", GgmlType.Q3_K),
    MOSTLY_Q3_K_L(13, "Q3_K_L", GgmlType.Q3_K),
    MOSTLY_Q4_K_S(14, "Q4_K_S", GgmlType.Q4_K),
    MOSTLY_Q4_K_M(15, "Q4_K_M", GgmlType.Q4_K),
    MOSTLY_Q5_K_S(16, "Q5_K_S", GgmlType.Q5_K),
    MOSTLY_Q5_K_M(17, "Q5_K_M", GgmlType.Q5_K),
    MOSTLY_Q6_K(18, "Q6_K", GgmlType.Q6_K),
    MOSTLY_IQ4_NL(25, "IQ4_NL", GgmlType.IQ4_NL),
    MOSTLY_IQ4_XS(30, "IQ4_XS", GgmlType.IQ4_XS),
    MOSTLY_BF16(32, "BF16", GgmlType.BF16);

    /** llama_ftype value, as stored in general.file_type. */
    public final int id;
    public final String displayName;
    /** The type of tensors that no rule of the mixture singles out. */
    public final GgmlType defaultType;

    FileType(int id, String displayName, GgmlType defaultType) {
        this.id = id;
        this.displayName = displayName;
        this.defaultType = defaultType;
    }

    /**
     * The file type named {@code name} (case-insensitive), accepting llama-quantize's aliases Q3_K,
     * Q4_K and Q5_K for the _M mixtures; null if unknown.
     */
    public static FileType byName(String name) {
        StringBuilder upper = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            upper.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        String n = upper.toString();
        switch (n) {
            case "Q3_K" -> {
                return MOSTLY_Q3_K_M;
            }
            case "Q4_K" -> {
                return MOSTLY_Q4_K_M;
            }
            case "Q5_K" -> {
                return MOSTLY_Q5_K_M;
            }
            default -> {
                for (FileType t : values()) {
                    if (t.displayName.equals(n)) {
                        return t;
                    }
                }
                return null;
            }
        }
    }

    /** The file type with llama_ftype value {@code id}, or null. */
    public static FileType byId(long id) {
        for (FileType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** Every accepted name, aliases included, for error messages and --help. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (FileType t : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.displayName);
            if (t == MOSTLY_Q3_K_S || t == MOSTLY_Q4_K_S || t == MOSTLY_Q5_K_S) {
                sb.append(", ").append(t.displayName, 0, 4).append(" (= ").append(t.displayName, 0, 4).append("_M)");
            }
        }
        return sb.toString();
    }

    public boolean isQuantized() {
        return defaultType != GgmlType.F32 && defaultType != GgmlType.F16 && defaultType != GgmlType.BF16;
    }
}
