package io.wasmchord.quant;

/** What every format shares: its type traits, the whole-block check, and no quantizer by default. */
abstract class AbstractBlockFormat implements BlockFormat {
    protected final GgmlType type;

    AbstractBlockFormat(GgmlType type) {
        this.type = type;
    }

    /** The number of blocks in {@code count} values; throws unless that is a whole number. */
    protected final int blocks(int count) {
        return wholeBlocks(type, count);
    }

    static int wholeBlocks(GgmlType type, int count) {
        if (count < 0 || count % type.blockSize != 0) {
            throw new IllegalArgumentException(count + " values are not a whole number of " + type.displayName
                    + " blocks of " + type.blockSize);
        }
        return count / type.blockSize;
    }

    @Override
    public void quantize(float[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        throw weightFormatCannotEncode();
    }

    protected final UnsupportedOperationException weightFormatCannotEncode() {
        return new UnsupportedOperationException(type.displayName
                + " is a weight format: its quantizer belongs to the model quantizer, not the compute path");
    }

    @Override
    public String toString() {
        return type.displayName + " format";
    }
}
