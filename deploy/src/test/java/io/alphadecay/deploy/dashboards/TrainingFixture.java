package io.alphadecay.deploy.dashboards;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small corpus of plain-text documents and a word-level HuggingFace tokenizer for it: a user's own data and
 * tokenizer, as the trainer accepts them, so the test needs neither the network nor the default corpus.
 */
final class TrainingFixture {

    private static final String[] SUBJECTS = { "the council", "a farmer", "the old ship", "our nation", "the river",
        "a young clerk", "the committee", "every soldier" };
    private static final String[] VERBS = { "considered", "carried", "remembered", "defended", "crossed", "reported",
        "built", "answered" };
    private static final String[] OBJECTS = { "the long report", "a heavy load of grain", "the northern border",
        "its ancient promise", "the quiet valley", "the letters from the coast", "a new bridge", "every question" };

    private TrainingFixture() {
    }

    /** Writes the documents under {@code dir}/corpus and returns that folder. */
    static Path corpus(Path dir, int documents, int sentencesEach) throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Random random = new Random(11);
        for (int d = 0; d < documents; d++) {
            StringBuilder text = new StringBuilder();
            for (int s = 0; s < sentencesEach; s++) {
                text.append(SUBJECTS[random.nextInt(SUBJECTS.length)]).append(' ')
                        .append(VERBS[random.nextInt(VERBS.length)]).append(' ')
                        .append(OBJECTS[random.nextInt(OBJECTS.length)]).append(". ");
            }
            Files.writeString(corpus.resolve("doc-" + d + ".txt"), text);
        }
        return corpus;
    }

    /** A word-level tokenizer.json over every word of the corpus, with a document separator and an unknown token. */
    static Path tokenizer(Path dir) throws IOException {
        Set<String> words = new LinkedHashSet<>();
        for (String phrase : concat(SUBJECTS, VERBS, OBJECTS)) {
            words.addAll(java.util.List.of(phrase.split(" ")));
        }
        words.add(".");
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
        for (String word : words) {
            vocab.put(word, id++);
        }
        model.put("unk_token", "[UNK]");
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json.writeValueAsString(root));
        return file;
    }

    private static void addSpecial(ArrayNode added, int id, String content) {
        added.addObject().put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true);
    }

    private static String[] concat(String[]... arrays) {
        return java.util.Arrays.stream(arrays).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
