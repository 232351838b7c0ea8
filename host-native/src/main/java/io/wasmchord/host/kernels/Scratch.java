package io.wasmchord.host.kernels;

import java.lang.foreign.MemorySegment;

/** One worker's scratch buffers, grown on demand and then reused, so steady-state matmuls allocate nothing. */
final class Scratch {
    private float[] tile = new float[0];
    private byte[] bytes = new byte[0];
    private MemorySegment bytesSegment = MemorySegment.ofArray(bytes);

    /** The weight rows of one mat-mat tile, as floats. */
    float[] tile(int n) {
        if (tile.length < n) {
            tile = new float[n];
        }
        return tile;
    }

    /** A row's bytes, copied out of the mapping for the reference (byte-array) kernels. */
    byte[] bytes(int n) {
        if (bytes.length < n) {
            bytes = new byte[n];
            bytesSegment = MemorySegment.ofArray(bytes);
        }
        return bytes;
    }

    /** The array of {@link #bytes} as a segment, for the vector kernels (made once per array). */
    MemorySegment bytesSegment() {
        return bytesSegment;
    }
}
