package io.wasmchord.quant;

/**
 * Blocks of 32 four-bit indices into a 16-entry value table, with one fp16 scale:
 * {@code d:f16, qs:u8[16]} (18 bytes). Byte j holds value j in its low nibble and value j + 16 in its
 * high nibble. Q4_0 (table -8..7) and IQ4_NL (a non-linear table) differ only in the table. Activations
 * are Q8_0.
 */
abstract class NibbleTableFormat extends AbstractBlockFormat {
    private static final int BLOCK = 32;
    private static final int BYTES = 18;
    private final int[] table;

    NibbleTableFormat(GgmlType type, int[] table) {
        super(type);
        this.table = table;
    }

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        int[] values = table;
        for (int b = 0; b < blocks; b++) {
            int at = srcOffset + b * BYTES;
            float d = Half.read(src, at);
            int out = dstOffset + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = src[at + 2 + j];
                dst[out + j] = values[q & 0xF] * d;
                dst[out + j + 16] = values[(q >> 4) & 0xF] * d;
            }
        }
    }

    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        int blocks = blocks(count);
        int[] values = table;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            int w = weightsOffset + b * BYTES;
            int a = activationsOffset + b * Q8_0Format.BYTES;
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int q = weights[w + 2 + j];
                sumi += values[q & 0xF] * activations[a + 2 + j] + values[(q >> 4) & 0xF] * activations[a + 18 + j];
            }
            sum += sumi * (Half.read(weights, w) * Half.read(activations, a));
        }
        return sum;
    }
}
