package io.alphadecay.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.alphadecay.trainer.data.source.DefaultCorpus;
import io.alphadecay.trainer.data.source.UserCorpus;
import io.alphadecay.trainer.data.tokenizer.DefaultTokenizer;
import io.alphadecay.trainer.data.tokenizer.TokenizerInfo;
import io.alphadecay.trainer.data.tokens.TokenBatches;
import io.alphadecay.trainer.data.tokens.TokenCache;
import io.alphadecay.trainer.data.tokens.TokenFile;

/**
 * What the training loop reads: a tokenised corpus, split into training and held-out tokens, memory-mapped from
 * the token cache. {@link #prepare} fetches, trains and tokenises only what is not cached yet.
 */
public final class TrainingData implements AutoCloseable {

    public static final String DEFAULT = "default";
    private static final Pattern DEFAULT_WITH_VOCAB = Pattern.compile("default-(\\d{3,7})");

    private final TokenizerInfo tokenizer;
    private final TokenCache cache;
    private final TokenFile train;
    private final TokenFile validation;

    private TrainingData(TokenizerInfo tokenizer, TokenCache cache, TokenFile train, TokenFile validation) {
        this.tokenizer = tokenizer;
        this.cache = cache;
        this.train = train;
        this.validation = validation;
    }

    /**
     * Prepares a run's data under {@code home}.
     *
     * @param dataset   {@code "default"} for the default corpus, or the path of a directory or file of
     *                  {@code .txt} / JSON-lines documents
     * @param tokenizer {@code "default"} (the project's BPE, vocabulary 8192), {@code "default-<vocab>"} for
     *                  another size, or the path of a HuggingFace {@code tokenizer.json} (or of its directory)
     * @param progress  receives one line per step worth telling a user about
     */
    public static TrainingData prepare(Path home, String dataset, String tokenizer, Consumer<String> progress) {
        Corpus corpus =
                DEFAULT.equals(dataset) ? DefaultCorpus.ensure(home, progress) : UserCorpus.open(Path.of(dataset));
        Path tokenizerFile = tokenizerFile(home, tokenizer, progress);
        return prepare(home, corpus, tokenizerFile, progress);
    }

    static Path tokenizerFile(Path home, String tokenizer, Consumer<String> progress) {
        if (DEFAULT.equals(tokenizer)) {
            return DefaultTokenizer.ensure(
                    home, DefaultTokenizer.DEFAULT_VOCAB, () -> DefaultCorpus.ensure(home, progress), progress);
        }
        Matcher sized = DEFAULT_WITH_VOCAB.matcher(tokenizer);
        if (sized.matches()) {
            return DefaultTokenizer.ensure(
                    home, Integer.parseInt(sized.group(1)), () -> DefaultCorpus.ensure(home, progress), progress);
        }
        Path path = Path.of(tokenizer);
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new DataException("Tokenizer " + tokenizer + " is neither \"default\", \"default-<vocab>\" nor a"
                    + " tokenizer.json file");
        }
        return file;
    }

    static TrainingData prepare(Path home, Corpus corpus, Path tokenizerFile, Consumer<String> progress) {
        TokenizerInfo info = TokenizerInfo.read(tokenizerFile);
        TokenCache cache = TokenCache.ensure(home, corpus, info, progress);
        TokenFile train = null;
        try {
            train = TokenFile.open(cache.trainFile(), cache.width());
            TokenFile validation = TokenFile.open(cache.validationFile(), cache.width());
            return new TrainingData(info, cache, train, validation);
        } catch (IOException ex) {
            closeQuietly(train);
            throw new DataException("Cannot open the token cache " + cache.directory() + ": " + ex.getMessage(), ex);
        }
    }

    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    public int endOfTextId() {
        return tokenizer.endOfTextId();
    }

    /** The tokenizer.json the tokens were made with, to export beside the model. */
    public Path tokenizerFile() {
        return tokenizer.file();
    }

    public long trainTokens() {
        return train.size();
    }

    public long validationTokens() {
        return validation.size();
    }

    /** The training batch stream of a run; see {@link TokenBatches#batch(long)}. */
    public TokenBatches train(long seed, int batchSize, int seqLen) {
        return new TokenBatches(train, seed, batchSize, seqLen);
    }

    /**
     * The fixed validation set: up to {@code evalBatches} batches of {@code batchSize} rows of {@code seqLen + 1}
     * tokens, the same for every run and step with these arguments (fewer batches when the held-out split is
     * small).
     */
    public List<int[][]> validation(int batchSize, int seqLen, int evalBatches) {
        return TokenBatches.spread(validation, batchSize, seqLen, evalBatches);
    }

    /** Bytes per stored token: 2 while every id fits in 16 bits, else 4. */
    int tokenWidth() {
        return cache.width();
    }

    Path cacheDirectory() {
        return cache.directory();
    }

    @Override
    public void close() {
        closeQuietly(train);
        closeQuietly(validation);
    }

    private static void closeQuietly(TokenFile file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
        }
    }
}
