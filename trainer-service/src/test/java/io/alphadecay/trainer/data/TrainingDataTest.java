package io.alphadecay.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.alphadecay.trainer.data.source.UserCorpus;
import io.alphadecay.trainer.data.tokenizer.BpeTrainer;
import io.alphadecay.trainer.data.tokenizer.ByteLevel;
import io.alphadecay.trainer.data.tokenizer.DefaultTokenizer;
import io.alphadecay.trainer.data.tokenizer.TokenizerInfo;
import io.alphadecay.trainer.data.tokenizer.TokenizerJson;
import io.alphadecay.trainer.data.tokens.TokenBatches;
import io.alphadecay.trainer.data.tokens.TokenCache;
import io.alphadecay.trainer.data.tokens.TokenFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

    @TempDir
    static Path shared;

    private static Path dataset;
    private static Path tokenizer;

    @TempDir
    Path home;

    private final List<String> messages = new ArrayList<>();

    @BeforeAll
    static void corpusAndTokenizer() throws Exception {
        TestData.init();
        dataset = TestData.textCorpus(shared.resolve("dataset"), 120, 2_000);
        tokenizer = TestData.tokenizer(shared, 512);
    }

    private TrainingData prepare() {
        return TrainingData.prepare(home, dataset.toString(), tokenizer.toString(), messages::add);
    }

    @Test
    void tokenisesBothSplitsWithDocumentSeparators() throws Exception {
        try (TrainingData data = prepare()) {
            assertThat(data.vocabSize()).isEqualTo(512);
            assertThat(data.endOfTextId()).isEqualTo(511);
            assertThat(data.tokenizerFile()).isEqualTo(tokenizer);
            assertThat(data.tokenWidth()).isEqualTo(2);
            assertThat(data.trainTokens()).isBetween(120 * 2_000 / 10L, 120 * 2_000 / 2L);
            assertThat(data.validationTokens()).isPositive();
            try (TokenFile train = TokenFile.open(data.cacheDirectory().resolve(TokenCache.TRAIN), 2);
                    TokenFile validation = TokenFile.open(data.cacheDirectory().resolve(TokenCache.VALIDATION), 2)) {
                assertThat(train.get(train.size() - 1)).isEqualTo(511);
                long separators = count(train, 511) + count(validation, 511);
                assertThat(separators).isEqualTo(120);
            }
        }
        assertThat(messages).anyMatch(m -> m.startsWith("tokenising dataset"));
    }

    @Test
    void aSecondPrepareReusesTheCache() throws Exception {
        Path trainFile;
        try (TrainingData data = prepare()) {
            trainFile = data.cacheDirectory().resolve(TokenCache.TRAIN);
        }
        FileTime written = Files.getLastModifiedTime(trainFile);
        messages.clear();
        try (TrainingData again = prepare()) {
            assertThat(again.cacheDirectory().resolve(TokenCache.TRAIN)).isEqualTo(trainFile);
        }
        assertThat(messages).noneMatch(m -> m.startsWith("tokenising")).anyMatch(m -> m.contains("using the token"));
        assertThat(Files.getLastModifiedTime(trainFile)).isEqualTo(written);
        try (var entries = Files.list(home.resolve("data/cache"))) {
            assertThat(entries.toList()).hasSize(1); // no temporary directory left behind
        }

        Files.delete(trainFile); // a damaged cache is rebuilt, not trusted
        try (TrainingData rebuilt = prepare()) {
            assertThat(rebuilt.trainTokens()).isPositive();
        }
        assertThat(messages).anyMatch(m -> m.startsWith("tokenising"));
    }

    @Test
    void batchesAreTheSameAcrossInstancesAndResumeByIndex() {
        List<int[][]> firstRun = new ArrayList<>();
        try (TrainingData data = prepare()) {
            TokenBatches batches = data.train(2024, 4, 32);
            for (long i = 0; i < 10; i++) {
                firstRun.add(batches.batch(i));
            }
        }
        try (TrainingData resumed = prepare()) {
            TokenBatches batches = resumed.train(2024, 4, 32);
            for (long i = 6; i < 10; i++) {
                assertThat(batches.batch(i)).isDeepEqualTo(firstRun.get((int) i));
            }
            assertThat(resumed.train(2025, 4, 32).batch(6)).isNotEqualTo(firstRun.get(6));
        }
    }

    @Test
    void validationIsFixed() {
        try (TrainingData a = prepare();
                TrainingData b = prepare()) {
            List<int[][]> first = a.validation(2, 16, 3);
            assertThat(first).hasSize(3);
            assertThat(b.validation(2, 16, 3)).usingRecursiveComparison().isEqualTo(first);
            assertThat(first.get(0)[0]).hasSize(17);
        }
    }

    @Test
    void aWideVocabularyIsStoredInFourBytes() throws Exception {
        // 256 bytes and fillers up to id 69999, then <|endoftext|> at 70000, past what 16 bits hold
        List<String> vocab = new ArrayList<>();
        IntStream.range(0, 256).forEach(b -> vocab.add(String.valueOf(ByteLevel.charOf(b))));
        while (vocab.size() < 70_000) {
            vocab.add("<filler-" + vocab.size() + ">");
        }
        Path wide = home.resolve("wide.json");
        TokenizerJson.write(TokenizerJson.of(new BpeTrainer.Result(vocab, List.of())), wide);
        Path small = TestData.textCorpus(home.resolve("small"), 3, 300);
        try (TrainingData data = TrainingData.prepare(home, small.toString(), wide.toString(), messages::add)) {
            assertThat(data.vocabSize()).isEqualTo(70_001);
            assertThat(data.endOfTextId()).isEqualTo(70_000);
            assertThat(data.tokenWidth()).isEqualTo(4);
            // No merges: one token per byte, and one separator per document.
            long bytes = 0;
            for (int i = 0; i < 3; i++) {
                bytes += Files.size(small.resolve(String.format("doc-%03d.txt", i)));
            }
            assertThat(data.trainTokens() + data.validationTokens()).isEqualTo(bytes + 3);
            try (TokenFile train = TokenFile.open(data.cacheDirectory().resolve(TokenCache.TRAIN), 4)) {
                assertThat(train.get(train.size() - 1)).isEqualTo(70_000);
                for (long i = 0; i < train.size(); i++) {
                    assertThat(train.get(i))
                            .satisfiesAnyOf(
                                    id -> assertThat(id).isBetween(0, 255),
                                    id -> assertThat(id).isEqualTo(70_000));
                }
            }
        }
    }

    @Test
    void theDefaultTokenizerIsTrainedOnceAndNamedByItsVocabulary() {
        UserCorpus corpus = UserCorpus.open(dataset);
        Path file = DefaultTokenizer.ensure(home, 400, () -> corpus, messages::add);
        assertThat(file).isEqualTo(home.resolve("data/tokenizers/default-400.json"));
        assertThat(TokenizerInfo.read(file).vocabSize()).isEqualTo(400);
        assertThat(messages).anyMatch(m -> m.startsWith("training a byte-level BPE tokenizer (vocabulary 400)"));
        // Cached: neither the corpus nor the network is needed again.
        assertThat(TrainingData.tokenizerFile(home, "default-400", messages::add))
                .isEqualTo(file);
        assertThatThrownBy(() -> TrainingData.tokenizerFile(
                        home, home.resolve("nope.json").toString(), m -> {}))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("neither \"default\"");
    }

    private static long count(TokenFile tokens, int id) {
        long n = 0;
        for (long i = 0; i < tokens.size(); i++) {
            n += tokens.get(i) == id ? 1 : 0;
        }
        return n;
    }
}
