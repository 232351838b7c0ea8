package io.wasmchord.quantize;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufTensor;
import io.wasmchord.gguf.GgufValue;
import io.wasmchord.gguf.GgufValueType;
import io.wasmchord.quant.GgmlType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What llama-quantize would write for an input file: the output metadata (the input's, then
 * general.quantization_version and general.file_type moved to the end, split keys dropped) and
 * every tensor with its target type, in llama.cpp's order (tensors outside layers first, then layer
 * by layer, by name within each). Checks up front what would otherwise fail half-way.
 */
public final class QuantizePlan {
    /** ggml's GGML_QNT_VERSION. */
    public static final int QUANTIZATION_VERSION = 2;

    /** One output tensor: the input tensor and the type it is written as. */
    public record Item(GgufTensor source, GgmlType target) {
        public boolean converts() {
            return source.type() != target;
        }

        public long outputBytes() {
            return target.bytesFor(source.elementCount());
        }
    }

    private final Map<String, GgufValue> metadata;
    private final List<Item> items;
    private final int fallbacks;

    private QuantizePlan(Map<String, GgufValue> metadata, List<Item> items, int fallbacks) {
        this.metadata = metadata;
        this.items = items;
        this.fallbacks = fallbacks;
    }

    public static QuantizePlan of(GgufFile in, QuantizeOptions options) {
        List<GgufTensor> ordered = new ArrayList<>(in.tensors());
        ordered.sort(LLAMA_ORDER);
        List<String> names = new ArrayList<>();
        for (GgufTensor t : ordered) {
            names.add(t.name());
        }
        TensorTypeChooser chooser = new TensorTypeChooser(ModelHparams.of(in), options, names);
        List<Item> items = new ArrayList<>();
        for (GgufTensor t : ordered) {
            GgmlType target = chooser.choose(t.name(), t.ne(), t.type());
            check(in, t, target, options);
            items.add(new Item(t, target));
        }
        return new QuantizePlan(outputMetadata(in, options.fileType()), Collections.unmodifiableList(items),
                chooser.fallbacks());
    }

    /**
     * The type llama-quantize gives each tensor of a model not yet written (a synthetic one, say),
     * given every tensor's name and ggml shape as a converter writes them in F32. Tensors are visited
     * in llama.cpp's order whatever the map's order, since the layer counters depend on it.
     */
    public static Map<String, GgmlType> tensorTypes(ModelHparams model, QuantizeOptions options,
                                                    Map<String, long[]> shapes) {
        List<String> names = new ArrayList<>(shapes.keySet());
        names.sort(LLAMA_NAME_ORDER);
        TensorTypeChooser chooser = new TensorTypeChooser(model, options, names);
        Map<String, GgmlType> types = new LinkedHashMap<>();
        for (String name : names) {
            types.put(name, chooser.choose(name, shapes.get(name), GgmlType.F32));
        }
        return types;
    }

    private static void check(GgufFile in, GgufTensor t, GgmlType target, QuantizeOptions options) {
        if (t.type() == target) {
            return;
        }
        String where = in.name() + ": tensor \"" + t.name() + "\" (" + t.type().displayName + ", " + t.shapeString() + ")";
        if (!Quantizers.supports(target)) {
            throw new IllegalArgumentException(where + ": cannot write " + target.displayName + "; supported: "
                    + Quantizers.names());
        }
        if (t.rowLength() % target.blockSize != 0) {
            throw new IllegalArgumentException(where + ": row length " + t.rowLength() + " is not a multiple of "
                    + target.displayName + "'s block of " + target.blockSize);
        }
        if (!TensorFloats.isFloat(t.type())) {
            if (!options.allowRequantize()) {
                throw new IllegalArgumentException(where + " is already quantized; requantizing loses quality, "
                        + "pass --allow-requantize to do it anyway");
            }
            if (!TensorFloats.canDequantize(t.type())) {
                throw new IllegalArgumentException(where + ": cannot read " + t.type().displayName + " values");
            }
        }
    }

    private static Map<String, GgufValue> outputMetadata(GgufFile in, FileType fileType) {
        Map<String, GgufValue> out = new LinkedHashMap<>(in.metadata());
        for (String k : new String[] {"general.quantization_version", "general.file_type", "split.no", "split.count",
            "split.tensors.count"}) {
            out.remove(k);
        }
        out.put("general.quantization_version", GgufValue.scalar(GgufValueType.UINT32, QUANTIZATION_VERSION));
        out.put("general.file_type", GgufValue.scalar(GgufValueType.UINT32, fileType.id));
        return out;
    }

    /** llama.cpp's weight order: by layer number (none = -1 first), then by name. */
    static final Comparator<String> LLAMA_NAME_ORDER = (a, b) -> {
        int la = layerOf(a);
        int lb = layerOf(b);
        if (la != lb) {
            return Integer.compare(la, lb);
        }
        return a.compareTo(b);
    };

    static final Comparator<GgufTensor> LLAMA_ORDER = (a, b) -> LLAMA_NAME_ORDER.compare(a.name(), b.name());

    /** The N of a name starting "blk.N." (as sscanf "blk.%d." reads it), or -1. */
    static int layerOf(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int i = 4;
        boolean negative = false;
        if (i < name.length() && (name.charAt(i) == '-' || name.charAt(i) == '+')) {
            negative = name.charAt(i) == '-';
            i++;
        }
        int start = i;
        long v = 0;
        while (i < name.length() && Character.isDigit(name.charAt(i)) && v < Integer.MAX_VALUE) {
            v = v * 10 + (name.charAt(i) - '0');
            i++;
        }
        if (i == start) {
            return -1;
        }
        return (int) (negative ? -v : v);
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public List<Item> items() {
        return items;
    }

    /** Tensors whose row length forced a different type than the mixture's. */
    public int fallbacks() {
        return fallbacks;
    }

    public long outputTensorBytes() {
        long total = 0;
        for (Item i : items) {
            total += i.outputBytes();
        }
        return total;
    }
}
