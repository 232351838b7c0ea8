package io.wasmchord.convert;

import io.wasmchord.json.JsonObject;
import java.util.List;

/**
 * What a Hugging Face model directory holds, already read: config.json, the safetensors shards in
 * order, and the tokenizer files that exist (null when absent).
 *
 * @param name              the directory's name, for general.name when config.json gives none
 * @param sentencePiece     tokenizer.model bytes
 * @param addedTokens       added_tokens.json
 * @param chatTemplate      chat_template.jinja / chat_template.json's template, used when
 *                          tokenizer_config.json has none
 */
public record HfModelFiles(String name, JsonObject config, List<Safetensors> weights, JsonObject tokenizerJson,
                           JsonObject tokenizerConfig, byte[] sentencePiece, JsonObject addedTokens,
                           String chatTemplate) {
}
