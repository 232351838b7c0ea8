package io.wasmchord.tools;

import io.wasmchord.quantize.FileType;
import io.wasmchord.quantize.QuantizeOptions;

/**
 * A {@code chord synth --type} name and the llama-quantize options it stands for. Which tensor gets
 * which block type is decided by the quantizer's own rules ({@link io.wasmchord.quantize.QuantizePlan#tensorTypes}),
 * so synthetic files and quantized ones cannot drift apart.
 */
public record QuantMix(String name, QuantizeOptions options) {

    /**
     * A mixture by llama-quantize's name ("Q4_K_M", or its alias "Q4_K"), or a single block type with
     * "-pure" ("Q4_K-pure"), which is {@code llama-quantize --pure} with the file type of that name; null
     * if unknown or if synth cannot fill that block type.
     */
    public static QuantMix byName(String name) {
        boolean pure = name.toLowerCase().endsWith("-pure");
        String typeName = pure ? name.substring(0, name.length() - "-pure".length()) : name;
        FileType fileType = FileType.byName(typeName);
        if (fileType == null || !RandomBlocks.supports(fileType.defaultType)) {
            return null;
        }
        if (!pure) {
            return new QuantMix(fileType.displayName, QuantizeOptions.of(fileType));
        }
        // "-pure" names a block type: Q4_K-pure is Q4_K everywhere, not a Q4_K_M-pure mixture.
        if (!fileType.defaultType.displayName.equalsIgnoreCase(typeName)) {
            return null;
        }
        return new QuantMix(fileType.defaultType.displayName + "-pure", QuantizeOptions.of(fileType).withPure(true));
    }

    /** The mixture names synth accepts, for --help ("-pure" variants aside). */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (FileType t : FileType.values()) {
            if (RandomBlocks.supports(t.defaultType)) {
                sb.append(sb.isEmpty() ? "" : " ").append(t.displayName);
            }
        }
        return sb.toString();
    }

    /** The llama_ftype number written to general.file_type. */
    public int fileType() {
        return options.fileType().id;
    }
}
