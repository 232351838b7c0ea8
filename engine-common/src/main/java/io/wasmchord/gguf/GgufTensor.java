package io.wasmchord.gguf;

import io.wasmchord.quant.GgmlType;

/**
 * A tensor's description: name, type and shape in ggml order ({@code ne[0]} is the row length, the
 * fastest-varying dimension), and where its bytes lie in the file. Holds no data.
 *
 * @param dataOffset absolute byte offset in the file
 * @param infoOffset where this tensor's description starts in the header (for messages)
 */
public record GgufTensor(String name, GgmlType type, long[] ne, long dataOffset, long byteSize, long infoOffset) {

    public long elementCount() {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        return n;
    }

    /** Length of one row ({@code ne[0]}). */
    public long rowLength() {
        return ne[0];
    }

    /** Number of rows: the product of every dimension after the first. */
    public long rowCount() {
        return ne[0] == 0 ? 0 : elementCount() / ne[0];
    }

    public String shapeString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ne.length; i++) {
            sb.append(i == 0 ? "" : " x ").append(ne[i]);
        }
        return sb.toString();
    }
}
