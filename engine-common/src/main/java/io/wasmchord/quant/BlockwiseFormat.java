package io.wasmchord.quant;

/**
 * A format whose rows are runs of equal, independent blocks: the row loops live here, driven by the type
 * table (values and bytes per block, and the vec-dot type's bytes per block), and each format writes
 * only what one block does. One call per block (32 or 256 values), never per value; the per-block
 * float results are summed in block order exactly as a fused loop would.
 */
abstract class BlockwiseFormat extends AbstractBlockFormat {
    private final int blockValues;
    private final int blockBytes;
    private final int activationBlockBytes;
    private final boolean encodes;

    BlockwiseFormat(GgmlType type) {
        super(type);
        this.blockValues = type.blockSize;
        this.blockBytes = type.typeSize;
        this.activationBlockBytes = type.pairedActivationType().typeSize;
        this.encodes = type.pairedActivationType() == type; // activation types are their own vec-dot type
    }

    /** Expands the block at src[at] into dst[out ..]. */
    protected abstract void dequantizeBlock(byte[] src, int at, float[] dst, int out);

    /** This block's share of the dot product: weights block at w, activation block (vec-dot type) at a. */
    protected abstract float dotBlock(byte[] weights, int w, byte[] activations, int a);

    /** Encodes src[in ..] into the block at dst[at]; only activation formats override it. */
    protected void quantizeBlock(float[] src, int in, byte[] dst, int at) {
        throw weightFormatCannotEncode();
    }

    @Override
    public final void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            dequantizeBlock(src, srcOffset + b * blockBytes, dst, dstOffset + b * blockValues);
        }
    }

    /** Non-final only for Q8_0, whose block is too cheap to pay a call per block (see there). */
    @Override
    public float dot(byte[] weights, int weightsOffset, byte[] activations, int activationsOffset, int count) {
        int blocks = blocks(count);
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            sum += dotBlock(weights, weightsOffset + b * blockBytes, activations, activationsOffset + b * activationBlockBytes);
        }
        return sum;
    }

    @Override
    public final void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        if (!encodes) {
            throw weightFormatCannotEncode();
        }
        int blocks = blocks(count);
        for (int b = 0; b < blocks; b++) {
            quantizeBlock(src, srcOffset + b * blockValues, dst, dstOffset + b * blockBytes);
        }
    }
}
