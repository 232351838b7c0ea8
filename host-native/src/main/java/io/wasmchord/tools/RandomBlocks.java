package io.wasmchord.tools;

import io.wasmchord.quant.GgmlType;
import java.util.SplittableRandom;

/**
 * Random weights written straight in a block format: random quant bits, and each fp16 scale field set to
 * a random value of a size that makes the dequantized weights spread like a trained model's (about
 * 0.02). No float matrix is ever built, so any model size streams in constant memory.
 *
 * <p>For benchmarks only: the values follow no quantizer's choices, but every block is well formed and
 * holds finite weights, which is all the kernels' speed depends on.
 */
public final class RandomBlocks {

    /** Where a format keeps its fp16 scales, and their typical magnitude. */
    private record Layout(int[] fp16Offsets, float[] scales) {
    }

    private static final float SPREAD = 0.02f;

    private RandomBlocks() {
    }

    private static Layout layout(GgmlType t) {
        return switch (t) {
            // d at 0; dequantized value d * (q - 8): q - 8 spreads about 4.6.
            case Q4_0 -> new Layout(new int[]{0}, new float[]{SPREAD / 4.6f});
            // d, m at 0, 2; value d * q + m with q in [0, 15]: m centres the block.
            case Q4_1 -> new Layout(new int[]{0, 2}, new float[]{SPREAD / 4.6f, -7.5f * SPREAD / 4.6f});
            case Q5_0 -> new Layout(new int[]{0}, new float[]{SPREAD / 9.2f});
            case Q5_1 -> new Layout(new int[]{0, 2}, new float[]{SPREAD / 9.2f, -15.5f * SPREAD / 9.2f});
            case Q8_0 -> new Layout(new int[]{0}, new float[]{SPREAD / 74f});
            case IQ4_NL -> new Layout(new int[]{0}, new float[]{SPREAD / 70f});
            // d, dmin at the end, after 16 scale bytes and 64 quant bytes.
            case Q2_K -> new Layout(new int[]{80, 82}, new float[]{SPREAD / 8f, SPREAD / 16f});
            case Q3_K -> new Layout(new int[]{108}, new float[]{SPREAD / 40f});
            case Q4_K -> new Layout(new int[]{0, 2}, new float[]{SPREAD / 140f, SPREAD / 64f});
            case Q5_K -> new Layout(new int[]{0, 2}, new float[]{SPREAD / 280f, SPREAD / 64f});
            case Q6_K -> new Layout(new int[]{208}, new float[]{SPREAD / 1300f});
            case IQ4_XS -> new Layout(new int[]{0}, new float[]{SPREAD / 1200f});
            default -> null;
        };
    }

    /** True for the block formats this class can fill (float types are written as floats instead). */
    public static boolean supports(GgmlType t) {
        return isFloat(t) || layout(t) != null;
    }

    static boolean isFloat(GgmlType t) {
        return t == GgmlType.F32 || t == GgmlType.F16 || t == GgmlType.BF16;
    }

    /**
     * Fills {@code dst[0, length)} with whole blocks of type {@code t} (or float values of a float type),
     * each value spread around {@code centre} for float types (norm weights sit near 1).
     */
    public static void fill(GgmlType t, byte[] dst, int length, float centre, SplittableRandom random) {
        if (isFloat(t)) {
            fillFloats(t, dst, length, centre, random);
            return;
        }
        Layout layout = layout(t);
        if (layout == null) {
            throw new IllegalArgumentException("no random-block layout for " + t.displayName);
        }
        if (length % t.typeSize != 0) {
            throw new IllegalArgumentException(length + " bytes are not whole " + t.displayName + " blocks");
        }
        randomBytes(dst, length, random);
        for (int block = 0; block < length; block += t.typeSize) {
            for (int i = 0; i < layout.fp16Offsets.length; i++) {
                float jitter = 0.5f + (float) random.nextDouble();
                short h = Float.floatToFloat16(layout.scales[i] * jitter);
                int at = block + layout.fp16Offsets[i];
                dst[at] = (byte) h;
                dst[at + 1] = (byte) (h >> 8);
            }
        }
    }

    private static void randomBytes(byte[] dst, int length, SplittableRandom random) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            long r = random.nextLong();
            for (int k = 0; k < 8; k++) {
                dst[i + k] = (byte) (r >>> (8 * k));
            }
        }
        for (; i < length; i++) {
            dst[i] = (byte) random.nextInt();
        }
    }

    private static void fillFloats(GgmlType t, byte[] dst, int length, float centre, SplittableRandom random) {
        int width = t.typeSize;
        if (length % width != 0) {
            throw new IllegalArgumentException(length + " bytes are not whole " + t.displayName + " values");
        }
        float spread = centre == 0 ? SPREAD : 0.1f * centre;
        for (int i = 0; i < length; i += width) {
            float v = centre + spread * (float) gaussian(random);
            int bits = switch (t) {
                case F32 -> Float.floatToRawIntBits(v);
                case F16 -> Float.floatToFloat16(v);
                default -> Float.floatToRawIntBits(v) >>> 16; // BF16 by truncation is fine for random data
            };
            dst[i] = (byte) bits;
            dst[i + 1] = (byte) (bits >> 8);
            if (width == 4) {
                dst[i + 2] = (byte) (bits >> 16);
                dst[i + 3] = (byte) (bits >> 24);
            }
        }
    }

    /** A standard normal deviate by Box-Muller (one of the pair is enough here). */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
