package io.wasmchord.quant;

/**
 * Every tensor type a GGUF file can name, with ggml's id, block size and bytes per block: the one table
 * of type traits that drives every format. Types the engine cannot compute with (IQ1, IQ2, IQ3, TQ and
 * newer) are listed too, so files holding them can still be inspected; they have no {@link #format()}.
 */
public enum GgmlType {
    F32(0, "F32", 1, 4),
    F16(1, "F16", 1, 2),
    Q4_0(2, "Q4_0", 32, 18),
    Q4_1(3, "Q4_1", 32, 20),
    Q5_0(6, "Q5_0", 32, 22),
    Q5_1(7, "Q5_1", 32, 24),
    Q8_0(8, "Q8_0", 32, 34),
    Q8_1(9, "Q8_1", 32, 36),
    Q2_K(10, "Q2_K", 256, 84),
    Q3_K(11, "Q3_K", 256, 110),
    Q4_K(12, "Q4_K", 256, 144),
    Q5_K(13, "Q5_K", 256, 176),
    Q6_K(14, "Q6_K", 256, 210),
    Q8_K(15, "Q8_K", 256, 292),
    IQ2_XXS(16, "IQ2_XXS", 256, 66),
    IQ2_XS(17, "IQ2_XS", 256, 74),
    IQ3_XXS(18, "IQ3_XXS", 256, 98),
    IQ1_S(19, "IQ1_S", 256, 50),
    IQ4_NL(20, "IQ4_NL", 32, 18),
    IQ3_S(21, "IQ3_S", 256, 110),
    IQ2_S(22, "IQ2_S", 256, 82),
    IQ4_XS(23, "IQ4_XS", 256, 136),
    I8(24, "I8", 1, 1),
    I16(25, "I16", 1, 2),
    I32(26, "I32", 1, 4),
    I64(27, "I64", 1, 8),
    F64(28, "F64", 1, 8),
    IQ1_M(29, "IQ1_M", 256, 56),
    BF16(30, "BF16", 1, 2),
    TQ1_0(34, "TQ1_0", 256, 54),
    TQ2_0(35, "TQ2_0", 256, 66),
    MXFP4(39, "MXFP4", 32, 17),
    NVFP4(40, "NVFP4", 64, 36),
    Q1_0(41, "Q1_0", 128, 18),
    Q2_0(42, "Q2_0", 64, 18);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    public final int id;
    public final String displayName;
    public final int blockSize;
    public final int typeSize;

    GgmlType(int id, String displayName, int blockSize, int typeSize) {
        this.id = id;
        this.displayName = displayName;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** The type with ggml id {@code id}, or null if ggml has none (or no longer has one). */
    public static GgmlType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    /** The type named {@code name} (case-insensitive), or null. */
    public static GgmlType byName(String name) {
        for (GgmlType t : values()) {
            if (t.displayName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }

    /** How this type's blocks are decoded, encoded and dotted; null when the engine cannot read the type. */
    public BlockFormat format() {
        return FormatTable.of(this);
    }

    /** Whether the engine can compute with tensors of this type. */
    public boolean isSupported() {
        return format() != null;
    }

    /**
     * The type llama.cpp's CPU backend quantizes activations to before a dot product with weights of
     * this type; null when unsupported.
     */
    public GgmlType vecDotType() {
        return isSupported() ? pairedActivationType() : null;
    }

    /** vecDotType() without the support check, for the formats themselves while the format table is built. */
    GgmlType pairedActivationType() {
        return switch (this) {
            case F32, F16, BF16, Q8_0, Q8_1, Q8_K -> this;
            case Q4_0, Q5_0, IQ4_NL -> Q8_0;
            case Q4_1, Q5_1 -> Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS -> Q8_K;
            default -> null;
        };
    }

    /**
     * Returns this type if the engine can compute with it; otherwise throws
     * {@code IllegalArgumentException("unsupported tensor type IQ2_XXS in tensor blk.0.ffn_up.weight")}.
     * Model loaders call it for every tensor before loading any, so a model is never half-loaded.
     */
    public GgmlType requireSupported(String tensorName) {
        if (!isSupported()) {
            throw new IllegalArgumentException("unsupported tensor type " + displayName + " in tensor " + tensorName);
        }
        return this;
    }

    /** {@link #requireSupported(String)} for a type that may be null (a type id ggml does not know). */
    public static GgmlType requireSupported(GgmlType type, String tensorName) {
        if (type == null) {
            throw new IllegalArgumentException("unsupported tensor type (unknown) in tensor " + tensorName);
        }
        return type.requireSupported(tensorName);
    }

    /** Bytes taken by {@code n} values; {@code n} must be a whole number of blocks. */
    public long bytesFor(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(n + " values are not a whole number of " + displayName
                    + " blocks of " + blockSize);
        }
        return n / blockSize * typeSize;
    }
}
