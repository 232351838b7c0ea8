package io.wasmchord.host.kernels;

/** One worker's scratch buffers, grown on demand and then reused, so steady-state matmuls allocate nothing. */
final class Scratch {
    private float[] tile = new float[0];
    private float[] sums = new float[0];
    private byte[] bytes = new byte[0];
    private int[] ints = new int[0];
    private float[] floats = new float[0];

    /** The weight rows of one mat-mat panel, as floats. */
    float[] tile(int n) {
        if (tile.length < n) {
            tile = new float[n];
        }
        return tile;
    }

    /** A mat-mat part's sums (rows x tokens), parked between column chunks. */
    float[] sums(int n) {
        if (sums.length < n) {
            sums = new float[n];
        }
        return sums;
    }

    /** A row's bytes, copied out of the mapping for the reference (byte-array) kernels. */
    byte[] bytes(int n) {
        if (bytes.length < n) {
            bytes = new byte[n];
        }
        return bytes;
    }

    /** A group block's scales, one per lane of a run. */
    float[] floats(int n) {
        if (floats.length < n) {
            floats = new float[n];
        }
        return floats;
    }

    /** Offsets of a gather. */
    int[] ints(int n) {
        if (ints.length < n) {
            ints = new int[n];
        }
        return ints;
    }
}
