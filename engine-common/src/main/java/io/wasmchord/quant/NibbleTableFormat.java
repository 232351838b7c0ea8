package io.wasmchord.quant;

/**
 * Blocks of 32 four-bit indices into a 16-entry value table, with one fp16 scale:
 * {@code d:f16, qs:u8[16]} (18 bytes). Byte j holds value j in its low nibble and value j + 16 in its
 * high nibble. Q4_0 (table -8..7) and IQ4_NL (a non-linear table) differ only in the table. Activations
 * are Q8_0.
 */
abstract class NibbleTableFormat extends BlockwiseFormat {
    private final int[] table;

    NibbleTableFormat(GgmlType type, int[] table) {
        super(type);
        this.table = table;
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        int[] values = table;
        float d = Half.read(src, at);
        for (int j = 0; j < 16; j++) {
            int q = src[at + 2 + j];
            dst[out + j] = values[q & 0xF] * d;
            dst[out + j + 16] = values[(q >> 4) & 0xF] * d;
        }
    }

    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int[] values = table;
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            int q = weights[w + 2 + j];
            sumi += values[q & 0xF] * activations[a + 2 + j] + values[(q >> 4) & 0xF] * activations[a + 18 + j];
        }
        return sumi * (Half.read(weights, w) * Half.read(activations, a));
    }
}
