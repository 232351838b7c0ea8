package io.wasmchord.quant;

/** The packed sub-block scales of the K-quants, unpacked one at a time (no scratch arrays). */
final class KScales {
    private KScales() {
    }

    /**
     * Scale of sub-block j (0..7) in the 12 bytes at b[at] shared by Q4_K and Q5_K: 6 bits each, the
     * first four whole in bytes 0-3, the last four split between bytes 8-11 (low) and bytes 0-3 (top 2 bits).
     */
    static int scale(byte[] b, int at, int j) {
        if (j < 4) {
            return b[at + j] & 63;
        }
        return (b[at + j + 4] & 0xF) | ((b[at + j - 4] & 0xFF) >> 6) << 4;
    }

    /** Minimum of sub-block j (0..7), packed beside the scales: bytes 4-7, then high nibbles of 8-11. */
    static int min(byte[] b, int at, int j) {
        if (j < 4) {
            return b[at + j + 4] & 63;
        }
        return ((b[at + j + 4] & 0xFF) >> 4) | ((b[at + j] & 0xFF) >> 6) << 4;
    }

    /**
     * Q3_K's signed scale of sub-block j (0..15) from its 12 bytes at b[at]: low four bits from the
     * nibbles of bytes 0-7 (low nibbles first), top two bits from bytes 8-11, two bits per quarter.
     */
    static int q3Scale(byte[] b, int at, int j) {
        int low = j < 8 ? b[at + j] & 0xF : (b[at + j - 8] >> 4) & 0xF;
        int high = (b[at + 8 + (j & 3)] >> (2 * (j >> 2))) & 3;
        return (low | high << 4) - 32;
    }
}
