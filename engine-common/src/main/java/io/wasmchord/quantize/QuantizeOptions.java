package io.wasmchord.quantize;

import io.wasmchord.quant.GgmlType;

/**
 * What llama-quantize's command line decides: the file type, {@code --pure} (every quantizable
 * tensor gets the default type), {@code --output-tensor-type} / {@code --token-embedding-type}
 * (null: chosen by the mixture), {@code --allow-requantize} and {@code --leave-output-tensor}
 * (quantizeOutputTensor false).
 */
public record QuantizeOptions(FileType fileType, boolean pure, GgmlType outputTensorType,
                              GgmlType tokenEmbeddingType, boolean allowRequantize, boolean quantizeOutputTensor) {

    public static QuantizeOptions of(FileType fileType) {
        return new QuantizeOptions(fileType, false, null, null, false, true);
    }

    public QuantizeOptions withPure(boolean p) {
        return new QuantizeOptions(fileType, p, outputTensorType, tokenEmbeddingType, allowRequantize, quantizeOutputTensor);
    }

    public QuantizeOptions withOutputTensorType(GgmlType t) {
        return new QuantizeOptions(fileType, pure, t, tokenEmbeddingType, allowRequantize, quantizeOutputTensor);
    }

    public QuantizeOptions withTokenEmbeddingType(GgmlType t) {
        return new QuantizeOptions(fileType, pure, outputTensorType, t, allowRequantize, quantizeOutputTensor);
    }

    public QuantizeOptions withAllowRequantize(boolean a) {
        return new QuantizeOptions(fileType, pure, outputTensorType, tokenEmbeddingType, a, quantizeOutputTensor);
    }

    public QuantizeOptions withQuantizeOutputTensor(boolean q) {
        return new QuantizeOptions(fileType, pure, outputTensorType, tokenEmbeddingType, allowRequantize, q);
    }
}
