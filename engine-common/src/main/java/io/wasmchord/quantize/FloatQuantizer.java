package io.wasmchord.quantize;

import io.wasmchord.io.LittleEndian;
import io.wasmchord.quant.GgmlType;
import io.wasmchord.quant.Half;

/** F32 (a copy), F16 and BF16 "quantization": one rounded value per element. */
final class FloatQuantizer implements BlockQuantizer {
    private final GgmlType type;

    FloatQuantizer(GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16) {
            throw new IllegalArgumentException(type.displayName + " is not a float type");
        }
        this.type = type;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public void quantize(float[] src, int srcOffset, int n, byte[] dst, int dstOffset) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    LittleEndian.putFloat(dst, dstOffset + 4 * i, src[srcOffset + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    Half.write(dst, dstOffset + 2 * i, src[srcOffset + i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    Half.writeBf16(dst, dstOffset + 2 * i, src[srcOffset + i]);
                }
            }
        }
    }
}
