package io.wasmchord.gguf;

import io.wasmchord.io.ByteSource;
import io.wasmchord.quant.GgmlType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a GGUF header (v2 or v3) and checks it against the file: every count and length must fit
 * the bytes that are there, every tensor must lie aligned, in bounds and apart from the others.
 * Tensor data is not touched.
 */
final class GgufReader {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    private static final int MAX_ARRAY_NESTING = 8;
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
    private static final int MIN_KV_BYTES = 8 + 4 + 1;

    private GgufReader() {
    }

    static GgufFile read(ByteSource source) {
        HeaderCursor in = new HeaderCursor(source);
        int magic = in.u32("the magic number");
        if (magic != MAGIC) {
            throw in.error(0, "not a GGUF file: magic is 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC) + " (\"GGUF\")");
        }
        int version = in.u32("the version");
        if (version != 2 && version != 3) {
            String hint = (version & 0xFFFF) == 0 && version != 0 ? " (a big-endian file?)" : "";
            throw in.error(4, "unsupported GGUF version " + Integer.toUnsignedString(version) + hint
                    + "; versions 2 and 3 are supported");
        }
        long tensorCount = in.count("tensor count", MIN_TENSOR_INFO_BYTES);
        long kvCount = in.count("metadata count", MIN_KV_BYTES);

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = in.position();
            String key = in.string("metadata key " + i);
            GgufValue value = readValue(in, "value of " + key, readType(in, "type of " + key), 0);
            if (metadata.putIfAbsent(key, value) != null) {
                throw in.error(at, "duplicate metadata key \"" + key + "\"");
            }
        }

        int alignment = alignmentOf(in, metadata);
        List<PendingTensor> pending = new ArrayList<>((int) tensorCount);
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            PendingTensor t = readTensorInfo(in, i);
            if (!names.add(t.name)) {
                throw in.error(t.infoOffset, "duplicate tensor name \"" + t.name + "\"");
            }
            pending.add(t);
        }
        long dataStart = alignUp(in.position(), alignment);
        List<GgufTensor> tensors = placeTensors(in, pending, alignment, dataStart, source.size());
        return new GgufFile(source, version, alignment, dataStart, metadata, tensors);
    }

    private static GgufValueType readType(HeaderCursor in, String what) {
        long at = in.position();
        int id = in.u32(what);
        GgufValueType type = GgufValueType.byId(id & 0xFFFFFFFFL);
        if (type == null) {
            throw in.error(at, "unknown metadata value type " + Integer.toUnsignedString(id) + " for " + what);
        }
        return type;
    }

    private static GgufValue readValue(HeaderCursor in, String what, GgufValueType type, int depth) {
        return switch (type) {
            case UINT8, INT8 -> GgufValue.scalar(type, in.u8(what));
            case UINT16, INT16 -> GgufValue.scalar(type, in.u16(what));
            case UINT32, INT32 -> GgufValue.scalar(type, in.u32(what));
            case UINT64, INT64 -> GgufValue.scalar(type, in.u64(what));
            case FLOAT32 -> GgufValue.scalar(type, Float.intBitsToFloat(in.u32(what)));
            case FLOAT64 -> GgufValue.scalar(type, Double.longBitsToDouble(in.u64(what)));
            case BOOL -> GgufValue.scalar(type, readBool(in, what));
            case STRING -> GgufValue.scalar(type, in.string(what));
            case ARRAY -> readArray(in, what, depth);
        };
    }

    private static boolean readBool(HeaderCursor in, String what) {
        long at = in.position();
        byte b = in.u8(what);
        if (b != 0 && b != 1) {
            throw in.error(at, what + ": a bool must be 0 or 1, found " + (b & 0xFF));
        }
        return b == 1;
    }

    private static GgufValue readArray(HeaderCursor in, String what, int depth) {
        long at = in.position();
        if (depth >= MAX_ARRAY_NESTING) {
            throw in.error(at, what + ": arrays nested deeper than " + MAX_ARRAY_NESTING);
        }
        GgufValueType elementType = readType(in, what + " element type");
        int n = (int) Math.min(Integer.MAX_VALUE, in.count(what + " element count", elementType.minBytes));
        Object values = readElements(in, elementType, n, what, depth);
        return GgufValue.array(elementType, values);
    }

    /**
     * Reads the {@code n} elements of an array. A method with one return per case rather than a switch
     * expression: TeaVM 0.15 (Wasm GC) merges the arrays of a switch expression into one local of a single
     * array type and emits invalid WebAssembly.
     */
    private static Object readElements(HeaderCursor in, GgufValueType elementType, int n, String what, int depth) {
        switch (elementType) {
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.u8(what);
                }
                return a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.u16(what);
                }
                return a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.u32(what);
                }
                return a;
            }
            case UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.u64(what);
                }
                return a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = Float.intBitsToFloat(in.u32(what));
                }
                return a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = Double.longBitsToDouble(in.u64(what));
                }
                return a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readBool(in, what);
                }
                return a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = in.string(what, i);
                }
                return a;
            }
            case ARRAY -> {
                GgufValue[] a = new GgufValue[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readArray(in, what + "[" + i + "]", depth + 1);
                }
                return a;
            }
        }
        throw new IllegalStateException("no reader for GGUF element type " + elementType.typeName());
    }

    private static int alignmentOf(HeaderCursor in, Map<String, GgufValue> metadata) {
        GgufValue v = metadata.get(GgufFile.KEY_ALIGNMENT);
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (v.type() != GgufValueType.UINT32) {
            throw in.error(in.position(), GgufFile.KEY_ALIGNMENT + " must be a uint32, found " + v.type().typeName());
        }
        long a = v.asLong();
        if (a == 0 || a > (1 << 30) || (a & (a - 1)) != 0) {
            throw in.error(in.position(), GgufFile.KEY_ALIGNMENT + " = " + a + " is not a power of two");
        }
        return (int) a;
    }

    private record PendingTensor(String name, GgmlType type, long[] ne, long relativeOffset, long byteSize,
                                 long infoOffset) {
    }

    private static PendingTensor readTensorInfo(HeaderCursor in, long index) {
        long infoOffset = in.position();
        String name = in.string("name of tensor " + index);
        long dimsAt = in.position();
        int nDims = in.u32("dimension count of " + name);
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw in.error(dimsAt, "tensor \"" + name + "\" has " + Integer.toUnsignedString(nDims)
                    + " dimensions; 1 to " + MAX_DIMS + " are allowed");
        }
        long[] ne = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long at = in.position();
            ne[d] = in.u64("dimension " + d + " of " + name);
            if (ne[d] < 0 || (ne[d] != 0 && elements > Long.MAX_VALUE / ne[d])) {
                throw in.error(at, "tensor \"" + name + "\" dimension " + d + " = "
                        + Long.toUnsignedString(ne[d]) + " makes it impossibly large");
            }
            elements *= ne[d];
        }
        long typeAt = in.position();
        int typeId = in.u32("type of " + name);
        GgmlType type = GgmlType.byId(typeId & 0xFFFFFFFFL);
        if (type == null) {
            throw in.error(typeAt, "unknown tensor type id " + Integer.toUnsignedString(typeId)
                    + " in tensor \"" + name + "\"");
        }
        if (ne[0] % type.blockSize != 0) {
            throw in.error(dimsAt, "tensor \"" + name + "\" has rows of " + ne[0] + " values, not a multiple of the "
                    + type.displayName + " block size " + type.blockSize);
        }
        long offsetAt = in.position();
        long relativeOffset = in.u64("data offset of " + name);
        if (relativeOffset < 0) {
            throw in.error(offsetAt, "tensor \"" + name + "\" has data offset "
                    + Long.toUnsignedString(relativeOffset) + " beyond any file");
        }
        long blocks = elements / type.blockSize;
        if (blocks > Long.MAX_VALUE / type.typeSize) {
            throw in.error(dimsAt, "tensor \"" + name + "\" is impossibly large");
        }
        return new PendingTensor(name, type, ne, relativeOffset, blocks * type.typeSize, infoOffset);
    }

    private static List<GgufTensor> placeTensors(HeaderCursor in, List<PendingTensor> pending, int alignment,
                                                 long dataStart, long fileSize) {
        List<GgufTensor> tensors = new ArrayList<>(pending.size());
        for (PendingTensor p : pending) {
            if (p.relativeOffset % alignment != 0) {
                throw in.error(p.infoOffset, "tensor \"" + p.name + "\" data offset " + p.relativeOffset
                        + " is not a multiple of the alignment " + alignment);
            }
            long available = fileSize - dataStart;
            if (p.relativeOffset > available || p.byteSize > available - p.relativeOffset) {
                throw in.error(p.infoOffset, "tensor \"" + p.name + "\" (" + p.byteSize + " bytes at data offset "
                        + p.relativeOffset + ") runs past the end of the file (" + Math.max(0, available)
                        + " data bytes)");
            }
            tensors.add(new GgufTensor(p.name, p.type, p.ne, dataStart + p.relativeOffset, p.byteSize, p.infoOffset));
        }
        GgufTensor[] byOffset = tensors.toArray(new GgufTensor[0]);
        Arrays.sort(byOffset, Comparator.comparingLong(GgufTensor::dataOffset));
        for (int i = 1; i < byOffset.length; i++) {
            GgufTensor prev = byOffset[i - 1];
            GgufTensor cur = byOffset[i];
            if (cur.dataOffset() < prev.dataOffset() + prev.byteSize()) {
                throw in.error(cur.infoOffset(), "tensor \"" + cur.name() + "\" overlaps tensor \"" + prev.name()
                        + "\" (bytes " + cur.dataOffset() + " and " + prev.dataOffset() + "+" + prev.byteSize() + ")");
            }
        }
        return tensors;
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
