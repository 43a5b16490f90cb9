package io.alphadecay.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.alphadecay.testing.SyntheticText;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small corpus of plain-text documents and a word-level HuggingFace tokenizer for it: a user's own data and
 * tokenizer, as the trainer accepts them, so the test needs neither the network nor the default corpus.
 */
public final class TrainingFixture {

    private TrainingFixture() {}

    /** Writes the documents under {@code dir}/corpus and returns that folder. */
    public static Path corpus(Path dir, int documents, int sentencesEach) throws IOException {
        return SyntheticText.write(dir.resolve("corpus"), documents, sentencesEach, 11);
    }

    /** A word-level tokenizer.json over every word of the corpus, with a document separator and an unknown token. */
    public static Path tokenizer(Path dir) throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        addSpecial(added, 0, "</s>");
        addSpecial(added, 1, "[UNK]");
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        vocab.put("</s>", 0);
        vocab.put("[UNK]", 1);
        int id = 2;
        for (String word : SyntheticText.vocabulary()) {
            vocab.put(word, id++);
        }
        model.put("unk_token", "[UNK]");
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json.writeValueAsString(root));
        return file;
    }

    private static void addSpecial(ArrayNode added, int id, String content) {
        added.addObject()
                .put("id", id)
                .put("content", content)
                .put("single_word", false)
                .put("lstrip", false)
                .put("rstrip", false)
                .put("normalized", false)
                .put("special", true);
    }
}
