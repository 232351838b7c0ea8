package io.wasmchord.io;

/**
 * Little-endian loads and stores on byte arrays. Kernels assemble numbers from bytes this way rather
 * than through NIO views, which are slow when compiled to Wasm GC.
 */
public final class LittleEndian {
    private LittleEndian() {
    }

    public static short getShort(byte[] b, int i) {
        return (short) ((b[i] & 0xFF) | (b[i + 1] << 8));
    }

    public static int getUnsignedShort(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
    }

    public static int getInt(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8) | ((b[i + 2] & 0xFF) << 16) | (b[i + 3] << 24);
    }

    public static long getLong(byte[] b, int i) {
        return (getInt(b, i) & 0xFFFFFFFFL) | ((long) getInt(b, i + 4) << 32);
    }

    public static float getFloat(byte[] b, int i) {
        return Float.intBitsToFloat(getInt(b, i));
    }

    public static double getDouble(byte[] b, int i) {
        return Double.longBitsToDouble(getLong(b, i));
    }

    public static void putShort(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
    }

    public static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }

    public static void putLong(byte[] b, int i, long v) {
        putInt(b, i, (int) v);
        putInt(b, i + 4, (int) (v >>> 32));
    }

    public static void putFloat(byte[] b, int i, float v) {
        putInt(b, i, Float.floatToRawIntBits(v));
    }
}
