package io.alphadecay.trainer.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.alphadecay.trainer.data.DefaultTokenizer;
import io.alphadecay.trainer.data.UserCorpus;

/** A small English-like corpus and a tokenizer trained on it, so tests never need the network. */
final class SyntheticCorpus {

    private static final String[] SUBJECTS = { "The council", "A farmer", "The old ship", "Our nation", "The river",
        "A young clerk", "The committee", "Every soldier" };
    private static final String[] VERBS = { "considered", "carried", "remembered", "defended", "crossed", "reported",
        "built", "answered" };
    private static final String[] OBJECTS = { "the long report", "a heavy load of grain", "the northern border",
        "its ancient promise", "the quiet valley", "the letters from the coast", "a new bridge", "every question" };

    private SyntheticCorpus() {
    }

    /** Writes {@code documents} text files and trains a {@code vocab}-token BPE on them under {@code home}. */
    static Path create(Path home, int documents, int sentencesEach, int vocab) throws IOException {
        Path dir = Files.createDirectories(home.resolve("corpus"));
        Random random = new Random(7);
        for (int d = 0; d < documents; d++) {
            StringBuilder text = new StringBuilder();
            for (int s = 0; s < sentencesEach; s++) {
                text.append(SUBJECTS[random.nextInt(SUBJECTS.length)]).append(' ')
                        .append(VERBS[random.nextInt(VERBS.length)]).append(' ')
                        .append(OBJECTS[random.nextInt(OBJECTS.length)]).append(s % 5 == 4 ? ".\n" : ". ");
            }
            Files.writeString(dir.resolve("doc-" + d + ".txt"), text);
        }
        DefaultTokenizer.ensure(home, vocab, () -> UserCorpus.open(dir), message -> { });
        return dir;
    }
}
