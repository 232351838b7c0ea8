package io.wasmchord.quant;

/**
 * Six-bit super-blocks of 256: {@code ql:u8[128], qh:u8[64], scales:i8[16], d:f16} (210 bytes). Sixteen
 * runs of 16 have signed 8-bit scales; value = d * scale * (q - 32). Value 128h + 32k + l (h = 0..1,
 * k = 0..3, l = 0..31) takes its low four bits from nibble k/2 of ql[64h + 32(k%2) + l] and its top two
 * from bits 2k of qh[32h + l].
 */
final class Q6_KFormat extends BlockwiseFormat {
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    Q6_KFormat() {
        super(GgmlType.Q6_K);
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        float d = Half.read(src, at + D);
        for (int run = 0; run < 16; run++) { // run = 8h + 2k + l/16
            float dl = d * src[at + SCALES + run];
            int h = run >> 3;
            int k = (run >> 1) & 3;
            int ql = at + 64 * h + 32 * (k & 1);
            int qh = at + QH + 32 * h;
            int lowShift = 4 * (k >> 1);
            int highShift = 2 * k;
            int to = out + 128 * h + 32 * k;
            for (int l = 16 * (run & 1); l < 16 * (run & 1) + 16; l++) {
                int q = ((src[ql + l] >> lowShift) & 0xF | ((src[qh + l] >> highShift) & 3) << 4) - 32;
                dst[to + l] = dl * q;
            }
        }
    }

    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int isum = 0;
        for (int run = 0; run < 16; run++) {
            int h = run >> 3;
            int k = (run >> 1) & 3;
            int ql = w + 64 * h + 32 * (k & 1);
            int qh = w + QH + 32 * h;
            int lowShift = 4 * (k >> 1);
            int highShift = 2 * k;
            int q8 = a + Q8_KFormat.QS + 128 * h + 32 * k;
            int runSum = 0;
            for (int l = 16 * (run & 1); l < 16 * (run & 1) + 16; l++) {
                int q = ((weights[ql + l] >> lowShift) & 0xF | ((weights[qh + l] >> highShift) & 3) << 4) - 32;
                runSum += activations[q8 + l] * q;
            }
            isum += weights[w + SCALES + run] * runSum;
        }
        return Half.read(weights, w + D) * Q8_KFormat.scale(activations, a) * isum;
    }
}
