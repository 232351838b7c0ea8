package io.wasmchord.quantize;

import io.wasmchord.gguf.GgufFile;
import io.wasmchord.gguf.GgufWriter;
import io.wasmchord.quant.GgmlType;
import java.io.IOException;
import java.io.OutputStream;

/** Writes the file a {@link QuantizePlan} describes, streaming tensor by tensor through an encoder. */
public final class GgufQuantizer {
    private GgufQuantizer() {
    }

    public static void write(GgufFile in, QuantizePlan plan, TensorEncoder encoder, OutputStream out) throws IOException {
        GgufWriter writer = new GgufWriter();
        writer.putAll(plan.metadata());
        for (QuantizePlan.Item item : plan.items()) {
            long[] ne = item.source().ne();
            long[] shape = java.util.Arrays.copyOf(ne, TensorTypeChooser.nDims(ne));
            GgmlType target = item.target();
            writer.addTensor(item.source().name(), target, shape, sink -> encoder.encode(in, item, sink));
        }
        writer.write(out);
    }
}
