package io.wasmchord.quant;

import io.wasmchord.io.LittleEndian;

/**
 * IQ4_NL's non-linear grid in super-blocks of 256: {@code d:f16, scales_h:u16, scales_l:u8[4],
 * qs:u8[128]} (136 bytes). Eight runs of 32 have 6-bit scales (low nibble from scales_l, top two bits
 * from scales_h), value = d * (scale - 32) * kvalues[nibble]; run r's bytes qs[16r .. 16r + 15] hold
 * its values l (low nibbles) and l + 16 (high nibbles).
 */
final class IQ4_XSFormat extends BlockwiseFormat {
    private static final int QS = 8;

    IQ4_XSFormat() {
        super(GgmlType.IQ4_XS);
    }

    private static int scale(byte[] x, int at, int run) {
        int low = (x[at + 4 + (run >> 1)] >> (4 * (run & 1))) & 0xF;
        int high = (LittleEndian.getUnsignedShort(x, at + 2) >> (2 * run)) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    protected void dequantizeBlock(byte[] src, int at, float[] dst, int out) {
        int[] values = IQ4_NLFormat.VALUES;
        float d = Half.read(src, at);
        for (int run = 0; run < 8; run++) {
            float dl = d * scale(src, at, run);
            int q = at + QS + 16 * run;
            int to = out + 32 * run;
            for (int j = 0; j < 16; j++) {
                dst[to + j] = dl * values[src[q + j] & 0xF];
                dst[to + j + 16] = dl * values[(src[q + j] >> 4) & 0xF];
            }
        }
    }

    @Override
    protected float dotBlock(byte[] weights, int w, byte[] activations, int a) {
        int[] values = IQ4_NLFormat.VALUES;
        int isum = 0;
        for (int run = 0; run < 8; run++) {
            int q = w + QS + 16 * run;
            int q8 = a + Q8_KFormat.QS + 32 * run;
            int runSum = 0;
            for (int j = 0; j < 16; j++) {
                int packed = weights[q + j];
                runSum += activations[q8 + j] * values[packed & 0xF] + activations[q8 + j + 16] * values[(packed >> 4) & 0xF];
            }
            isum += scale(weights, w, run) * runSum;
        }
        return Half.read(weights, w) * Q8_KFormat.scale(activations, a) * isum;
    }
}
