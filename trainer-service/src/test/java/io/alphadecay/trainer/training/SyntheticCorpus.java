package io.alphadecay.trainer.training;

import java.io.IOException;
import java.nio.file.Path;

import io.alphadecay.testing.SyntheticText;
import io.alphadecay.trainer.data.source.UserCorpus;
import io.alphadecay.trainer.data.tokenizer.DefaultTokenizer;

/** A synthetic corpus and a tokenizer trained on it, so tests never need the network. */
final class SyntheticCorpus {

    private SyntheticCorpus() {}

    /** Writes {@code documents} text files and trains a {@code vocab}-token BPE on them under {@code home}. */
    static Path create(Path home, int documents, int sentencesEach, int vocab) throws IOException {
        Path dir = SyntheticText.write(home.resolve("corpus"), documents, sentencesEach, 7);
        DefaultTokenizer.ensure(home, vocab, () -> UserCorpus.open(dir), message -> {});
        return dir;
    }
}
