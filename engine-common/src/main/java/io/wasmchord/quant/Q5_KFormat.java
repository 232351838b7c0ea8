package io.wasmchord.quant;

/**
 * Five-bit super-blocks of 256: {@code d:f16, dmin:f16, scales:u8[12], qh:u8[32], qs:u8[128]} (176
 * bytes). As Q4_K, plus a fifth bit: value 32*run + l has it in bit {@code run} of qh[l].
 */
final class Q5_KFormat extends ScaleMinKFormat {
    Q5_KFormat() {
        super(GgmlType.Q5_K, 16, 48);
    }
}
