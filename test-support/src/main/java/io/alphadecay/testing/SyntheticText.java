package io.alphadecay.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Small English-like documents (subject, verb, object sentences) for training runs in tests: learnable, so a loss
 * falls, and written on the spot, so no test needs the network or the default corpus.
 */
public final class SyntheticText {

    private static final String[] SUBJECTS = {
        "The council",
        "A farmer",
        "The old ship",
        "Our nation",
        "The river",
        "A young clerk",
        "The committee",
        "Every soldier"
    };
    private static final String[] VERBS = {
        "considered", "carried", "remembered", "defended", "crossed", "reported", "built", "answered"
    };
    private static final String[] OBJECTS = {
        "the long report",
        "a heavy load of grain",
        "the northern border",
        "its ancient promise",
        "the quiet valley",
        "the letters from the coast",
        "a new bridge",
        "every question"
    };

    private SyntheticText() {}

    /** Writes {@code documents} files {@code doc-<n>.txt} of {@code sentencesEach} sentences into {@code dir}. */
    public static Path write(Path dir, int documents, int sentencesEach, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        for (int d = 0; d < documents; d++) {
            StringBuilder text = new StringBuilder();
            for (int s = 0; s < sentencesEach; s++) {
                text.append(SUBJECTS[random.nextInt(SUBJECTS.length)])
                        .append(' ')
                        .append(VERBS[random.nextInt(VERBS.length)])
                        .append(' ')
                        .append(OBJECTS[random.nextInt(OBJECTS.length)])
                        .append(s % 5 == 4 ? ".\n" : ". ");
            }
            Files.writeString(dir.resolve("doc-" + d + ".txt"), text);
        }
        return dir;
    }

    /** Every word and punctuation mark the documents use, in a stable order. */
    public static List<String> vocabulary() {
        Set<String> words = new LinkedHashSet<>();
        Stream.of(SUBJECTS, VERBS, OBJECTS)
                .flatMap(Arrays::stream)
                .forEach(phrase -> words.addAll(List.of(phrase.split(" "))));
        words.add(".");
        return List.copyOf(words);
    }
}
