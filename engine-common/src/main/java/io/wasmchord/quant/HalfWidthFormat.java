package io.wasmchord.quant;

/**
 * The two 16-bit float formats, F16 and BF16: one value per two bytes, activations rounded to the same
 * format, as llama.cpp does. Subclasses say only how a value is encoded.
 */
abstract class HalfWidthFormat extends AbstractBlockFormat {
    HalfWidthFormat(GgmlType type) {
        super(type);
    }

    abstract float read(byte[] b, int offset);

    abstract void write(byte[] b, int offset, float value);

    @Override
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        blocks(count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = read(src, srcOffset + 2 * i);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        blocks(count);
        for (int i = 0; i < count; i++) {
            write(dst, dstOffset + 2 * i, src[srcOffset + i]);
        }
    }

    /** Each product of two 16-bit floats is exact in float; the sum is kept in double (as ggml's generic code). */
    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        blocks(count);
        double s0 = 0;
        double s1 = 0; // two chains: the adds do not wait on each other
        int i = 0;
        for (; i + 1 < count; i += 2) {
            int w = weightsOffset + 2 * i;
            int a = activationsOffset + 2 * i;
            s0 += read(weights, w) * read(activations, a);
            s1 += read(weights, w + 2) * read(activations, a + 2);
        }
        if (i < count) {
            s0 += read(weights, weightsOffset + 2 * i) * read(activations, activationsOffset + 2 * i);
        }
        return (float) (s0 + s1);
    }

    /** IEEE half precision. */
    static final class F16 extends HalfWidthFormat {
        F16() {
            super(GgmlType.F16);
        }

        @Override
        float read(byte[] b, int offset) {
            return Half.read(b, offset);
        }

        @Override
        void write(byte[] b, int offset, float value) {
            Half.write(b, offset, value);
        }
    }

    /** bfloat16: the top half of a float32. */
    static final class BF16 extends HalfWidthFormat {
        BF16() {
            super(GgmlType.BF16);
        }

        @Override
        float read(byte[] b, int offset) {
            return Half.readBf16(b, offset);
        }

        @Override
        void write(byte[] b, int offset, float value) {
            Half.writeBf16(b, offset, value);
        }
    }
}
