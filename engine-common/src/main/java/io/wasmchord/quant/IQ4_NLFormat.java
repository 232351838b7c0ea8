package io.wasmchord.quant;

/** IQ4_NL: value = d * kvalues[nibble], a non-linear 4-bit grid (shared with IQ4_XS). */
final class IQ4_NLFormat extends NibbleTableFormat {
    /** ggml's kvalues_iq4nl. */
    static final int[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    IQ4_NLFormat() {
        super(GgmlType.IQ4_NL, VALUES);
    }
}
