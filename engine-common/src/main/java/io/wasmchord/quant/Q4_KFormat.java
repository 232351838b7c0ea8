package io.wasmchord.quant;

/** Four-bit super-blocks of 256: {@code d:f16, dmin:f16, scales:u8[12], qs:u8[128]} (144 bytes). */
final class Q4_KFormat extends ScaleMinKFormat {
    Q4_KFormat() {
        super(GgmlType.Q4_K, -1, 16);
    }
}
