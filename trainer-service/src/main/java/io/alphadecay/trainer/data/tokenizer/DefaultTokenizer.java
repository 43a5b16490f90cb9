package io.alphadecay.trainer.data.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.alphadecay.trainer.data.Corpus;
import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Split;

/**
 * The project's own tokenizer: a byte-level BPE trained on the training split of the default corpus, so no
 * third-party vocabulary (and licence) comes with a model. Trained once per vocabulary size and kept as
 * {@code <home>/data/tokenizers/default-<vocab>.json}.
 */
public final class DefaultTokenizer {

    public static final int DEFAULT_VOCAB = 8192;
    static final int MAX_VOCAB = 1 << 20;

    private DefaultTokenizer() {}

    public static Path file(Path home, int vocabSize) {
        return home.resolve("data").resolve("tokenizers").resolve("default-" + vocabSize + ".json");
    }

    /** The cached tokenizer, trained first on the training split of {@code corpus} when it is not there yet. */
    public static Path ensure(Path home, int vocabSize, Supplier<? extends Corpus> corpus, Consumer<String> progress) {
        if (vocabSize < 257 || vocabSize > MAX_VOCAB) {
            throw new DataException("A default tokenizer's vocabulary must be 257.." + MAX_VOCAB + ": " + vocabSize);
        }
        Path file = file(home, vocabSize);
        if (Files.isRegularFile(file)) {
            return file;
        }
        Corpus source = corpus.get();
        progress.accept("training a byte-level BPE tokenizer (vocabulary " + vocabSize + ") on the training split of "
                + source.describe() + "…");
        long start = System.nanoTime();
        try {
            TokenizerJson.write(TokenizerJson.of(train(source, vocabSize)), file);
        } catch (IOException ex) {
            throw new DataException("Cannot train the default tokenizer into " + file + ": " + ex.getMessage(), ex);
        }
        progress.accept(String.format("trained the tokenizer in %.1f s: %s", (System.nanoTime() - start) / 1e9, file));
        return file;
    }

    /** One id is kept for the end-of-text token, so the BPE gets {@code vocabSize - 1}. */
    static BpeTrainer.Result train(Corpus corpus, int vocabSize) throws IOException {
        List<String> texts = new ArrayList<>();
        corpus.forEach((split, document) -> {
            if (split == Split.TRAIN) {
                texts.add(document.text());
            }
        });
        Map<String, Long> words = WordCounts.count(texts);
        texts.clear();
        return BpeTrainer.train(words, vocabSize - 1);
    }
}
