package io.wasmchord.quant;

/** Q4_0: value = d * (nibble - 8). */
final class Q4_0Format extends NibbleTableFormat {
    Q4_0Format() {
        super(GgmlType.Q4_0, new int[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7});
    }
}
