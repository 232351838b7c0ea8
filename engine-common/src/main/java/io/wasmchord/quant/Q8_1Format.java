package io.wasmchord.quant;

/**
 * Q8_0 plus the block's scaled sum: {@code d:f16, s:f16, qs:i8[32]} (36 bytes), s = fp16(d * sum(qs)).
 * The vec-dot type of Q4_1 and Q5_1, whose min term uses s.
 */
final class Q8_1Format extends Q8Format {
    Q8_1Format() {
        super(GgmlType.Q8_1, true);
    }
}
