package io.alphadecay.trainer.data.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Hashes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the data pipeline needs to know of a {@code tokenizer.json}, ours or a user's: its vocabulary size, the id
 * that separates documents and a content hash for cache keys.
 */
public record TokenizerInfo(Path file, int vocabSize, int endOfTextId, String sha256) {

    /** Document separators of common tokenizers, in order of preference. */
    static final List<String> END_OF_TEXT_NAMES =
            List.of(TokenizerJson.END_OF_TEXT, "<|end_of_text|>", "</s>", "<eos>", "<|im_end|>", "[SEP]");

    /** Plain encoding: no special tokens added, and never truncated to a model length. */
    static final Map<String, String> ENCODE_OPTIONS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static TokenizerInfo read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException | JacksonException ex) {
            throw new DataException("Cannot read tokenizer " + file + ": " + ex.getMessage(), ex);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || model.get("vocab") == null) {
            throw new DataException("Tokenizer " + file + " is not a HuggingFace tokenizer.json (no model.vocab)");
        }
        int size = 0;
        Integer endOfText = null;
        int rank = END_OF_TEXT_NAMES.size();
        JsonNode vocab = model.get("vocab");
        if (vocab.isObject()) {
            for (var entry : vocab.properties()) {
                int id = entry.getValue().asInt();
                size = Math.max(size, id + 1);
                int r = END_OF_TEXT_NAMES.indexOf(entry.getKey());
                if (r >= 0 && r < rank) {
                    rank = r;
                    endOfText = id;
                }
            }
        } else {
            size = vocab.size(); // Unigram: a list of [piece, score]
            for (int id = 0; id < vocab.size(); id++) {
                int r = END_OF_TEXT_NAMES.indexOf(vocab.get(id).get(0).asString());
                if (r >= 0 && r < rank) {
                    rank = r;
                    endOfText = id;
                }
            }
        }
        JsonNode added = root.get("added_tokens");
        if (added != null) {
            for (JsonNode token : added) {
                int id = token.get("id").asInt();
                size = Math.max(size, id + 1);
                int r = END_OF_TEXT_NAMES.indexOf(token.get("content").asString());
                if (r >= 0 && r < rank) {
                    rank = r;
                    endOfText = id;
                }
            }
        }
        if (endOfText == null) {
            throw new DataException("Tokenizer " + file + " has none of the document separators " + END_OF_TEXT_NAMES);
        }
        try {
            return new TokenizerInfo(file, size, endOfText, Hashes.sha256Hex(file));
        } catch (IOException ex) {
            throw new DataException("Cannot read tokenizer " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** A DJL tokenizer for this file with {@link #ENCODE_OPTIONS}; the caller closes it. */
    public HuggingFaceTokenizer load() {
        try {
            return HuggingFaceTokenizer.newInstance(file, ENCODE_OPTIONS);
        } catch (IOException | RuntimeException ex) {
            throw new DataException("Cannot load tokenizer " + file + ": " + ex.getMessage(), ex);
        }
    }
}
