package io.wasmchord.gguf;

import java.util.Arrays;

/**
 * One metadata value: a scalar (boxed), a string, or an array. Arrays keep a primitive Java array of
 * their element type (unsigned types in the signed array of the same width), String[] for strings,
 * and GgufValue[] for nested arrays, so a file can be written back exactly as it was read.
 */
public final class GgufValue {
    private final GgufValueType type;
    private final GgufValueType elementType;
    private final Object value;

    private GgufValue(GgufValueType type, GgufValueType elementType, Object value) {
        this.type = type;
        this.elementType = elementType;
        this.value = value;
    }

    public static GgufValue scalar(GgufValueType type, Object value) {
        if (type == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("use GgufValue.array for arrays");
        }
        return new GgufValue(type, null, value);
    }

    public static GgufValue array(GgufValueType elementType, Object values) {
        return new GgufValue(GgufValueType.ARRAY, elementType, values);
    }

    public static GgufValue of(String s) {
        return scalar(GgufValueType.STRING, s);
    }

    public static GgufValue ofUint32(int v) {
        return scalar(GgufValueType.UINT32, v);
    }

    public static GgufValue ofInt32(int v) {
        return scalar(GgufValueType.INT32, v);
    }

    public static GgufValue ofFloat32(float v) {
        return scalar(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofBool(boolean v) {
        return scalar(GgufValueType.BOOL, v);
    }

    public static GgufValue ofStrings(String... v) {
        return array(GgufValueType.STRING, v);
    }

    public static GgufValue ofFloats(float... v) {
        return array(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofInts(int... v) {
        return array(GgufValueType.INT32, v);
    }

    public GgufValueType type() {
        return type;
    }

    /** For arrays, the type of the elements; null for scalars. */
    public GgufValueType elementType() {
        return elementType;
    }

    /** The raw payload (boxed scalar, String, or the array as described in the class comment). */
    public Object raw() {
        return value;
    }

    public boolean isArray() {
        return type == GgufValueType.ARRAY;
    }

    /** Any integer type as a long (unsigned types zero-extended). */
    public long asLong() {
        return switch (type) {
            case UINT8 -> (Byte) value & 0xFFL;
            case UINT16 -> (Short) value & 0xFFFFL;
            case UINT32 -> (Integer) value & 0xFFFFFFFFL;
            case INT8 -> (Byte) value;
            case INT16 -> (Short) value;
            case INT32 -> (Integer) value;
            case INT64, UINT64 -> (Long) value;
            case BOOL -> (Boolean) value ? 1 : 0;
            default -> throw new IllegalStateException("a " + type.typeName() + " is not an integer");
        };
    }

    public int asInt() {
        long v = asLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalStateException(v + " does not fit an int");
        }
        return (int) v;
    }

    /** Any numeric type as a double. */
    public double asDouble() {
        return switch (type) {
            case FLOAT32 -> (Float) value;
            case FLOAT64 -> (Double) value;
            default -> asLong();
        };
    }

    public float asFloat() {
        return (float) asDouble();
    }

    public boolean asBool() {
        if (type == GgufValueType.BOOL) {
            return (Boolean) value;
        }
        return asLong() != 0;
    }

    public String asString() {
        if (type != GgufValueType.STRING) {
            throw new IllegalStateException("a " + type.typeName() + " is not a string");
        }
        return (String) value;
    }

    /** Number of elements of an array. */
    public int length() {
        if (!isArray()) {
            throw new IllegalStateException("a " + type.typeName() + " is not an array");
        }
        return switch (elementType) {
            case UINT8, INT8 -> ((byte[]) value).length;
            case UINT16, INT16 -> ((short[]) value).length;
            case UINT32, INT32 -> ((int[]) value).length;
            case UINT64, INT64 -> ((long[]) value).length;
            case FLOAT32 -> ((float[]) value).length;
            case FLOAT64 -> ((double[]) value).length;
            case BOOL -> ((boolean[]) value).length;
            case STRING -> ((String[]) value).length;
            case ARRAY -> ((GgufValue[]) value).length;
        };
    }

    public String[] asStringArray() {
        requireArrayOf(GgufValueType.STRING);
        return (String[]) value;
    }

    public float[] asFloatArray() {
        requireArrayOf(GgufValueType.FLOAT32);
        return (float[]) value;
    }

    /** An array of any integer element type, widened to int (unsigned 32-bit values must fit). */
    public int[] asIntArray() {
        requireArray();
        int n = length();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            long v = longAt(i);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalStateException("element " + i + " = " + v + " does not fit an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** Element {@code i} of an integer array, widened as {@link #asLong()} does. */
    public long longAt(int i) {
        requireArray();
        return switch (elementType) {
            case UINT8 -> ((byte[]) value)[i] & 0xFFL;
            case INT8 -> ((byte[]) value)[i];
            case UINT16 -> ((short[]) value)[i] & 0xFFFFL;
            case INT16 -> ((short[]) value)[i];
            case UINT32 -> ((int[]) value)[i] & 0xFFFFFFFFL;
            case INT32 -> ((int[]) value)[i];
            case UINT64, INT64 -> ((long[]) value)[i];
            case BOOL -> ((boolean[]) value)[i] ? 1 : 0;
            default -> throw new IllegalStateException("an array of " + elementType.typeName()
                    + " holds no integers");
        };
    }

    private void requireArray() {
        if (!isArray()) {
            throw new IllegalStateException("a " + type.typeName() + " is not an array");
        }
    }

    private void requireArrayOf(GgufValueType t) {
        requireArray();
        if (elementType != t) {
            throw new IllegalStateException("an array of " + elementType.typeName() + ", not of " + t.typeName());
        }
    }

    /** A short human-readable form; long arrays show their first and last few elements. */
    public String describe(int maxElements) {
        if (!isArray()) {
            return type == GgufValueType.STRING ? quote((String) value) : String.valueOf(unsignedAware());
        }
        int n = length();
        StringBuilder sb = new StringBuilder("[");
        int head = n <= maxElements ? n : maxElements / 2 + 1;
        for (int i = 0; i < n; i++) {
            if (i == head && n > maxElements) {
                sb.append(", ... ").append(n - maxElements).append(" more ...");
                i = n - (maxElements - head) - 1;
                continue;
            }
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(elementToString(i, maxElements));
        }
        return sb.append(']').toString();
    }

    private String elementToString(int i, int maxElements) {
        return switch (elementType) {
            case STRING -> quote(((String[]) value)[i]);
            case FLOAT32 -> String.valueOf(((float[]) value)[i]);
            case FLOAT64 -> String.valueOf(((double[]) value)[i]);
            case ARRAY -> ((GgufValue[]) value)[i].describe(maxElements);
            default -> String.valueOf(longAt(i));
        };
    }

    private Object unsignedAware() {
        return switch (type) {
            case UINT8, UINT16, UINT32 -> asLong();
            case UINT64 -> Long.toUnsignedString((Long) value);
            default -> value;
        };
    }

    private static String quote(String s) {
        String shown = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(c < 0x10 ? "\\x0" : "\\x").append(Integer.toHexString(c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GgufValue other) || type != other.type || elementType != other.elementType) {
            return false;
        }
        return Arrays.deepEquals(new Object[] {value}, new Object[] {other.value});
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {type, elementType, value});
    }

    @Override
    public String toString() {
        return describe(16);
    }
}
