package io.alphadecay.trainer.data.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.alphadecay.trainer.data.TestData;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

    @Test
    void mergesTheMostFrequentPairFirst() {
        BpeTrainer.Result result = BpeTrainer.train(Map.of("aaab", 5L, "ab", 3L, "cd", 1L), 259);
        // (a,a) occurs 2×5 = 10 times, (a,b) 5 + 3 = 8: "aa" first, then "ab" (8 still), then "aaab" via "aa"+"ab"
        assertThat(result.merges()).containsExactly("a a", "a b", "aa ab");
        assertThat(result.vocab()).hasSize(259).endsWith("aa", "ab", "aaab");
    }

    @Test
    void overlappingPairsMergeLeftToRight() {
        BpeTrainer.Result result = BpeTrainer.train(Map.of("aaaa", 1L), 258);
        assertThat(result.merges()).containsExactly("a a", "aa aa");
    }

    @Test
    void stopsWhenNothingIsLeftToMerge() {
        BpeTrainer.Result result = BpeTrainer.train(Map.of("ab", 2L, "c", 9L), 300);
        assertThat(result.merges()).containsExactly("a b");
        assertThat(result.vocab()).hasSize(257);
    }

    @Test
    void bytesBecomeByteLevelCharacters() {
        BpeTrainer.Result result = BpeTrainer.train(Map.of(" é", 4L), 300);
        // ' ' is byte 0x20 → 'Ġ'; 'é' is the UTF-8 bytes C3 A9 → 'Ã' '©'
        assertThat(result.vocab().get(' ')).isEqualTo("Ġ");
        assertThat(result.vocab()).contains("ĠÃ©");
    }

    @Test
    void isDeterministic() {
        List<String> texts = List.of(TestData.english(7, 100_000), TestData.english(8, 50_000));
        BpeTrainer.Result first = BpeTrainer.train(WordCounts.count(texts), 600);
        BpeTrainer.Result second = BpeTrainer.train(WordCounts.count(texts), 600);
        assertThat(second).isEqualTo(first);
        assertThat(first.vocab()).hasSize(600).doesNotHaveDuplicates();
    }

    @Test
    void countsWordsWithTheGpt2Split() {
        Map<String, Long> counts = WordCounts.count(List.of("Hello world, it's  2024!\n\nHello"));
        assertThat(counts)
                .containsEntry("Hello", 2L)
                .containsEntry(" world", 1L)
                .containsEntry(",", 1L)
                .containsEntry(" it", 1L)
                .containsEntry("'s", 1L)
                .containsEntry(" ", 1L)
                .containsEntry(" 2024", 1L)
                .containsEntry("!", 1L)
                .containsEntry("\n", 2L);
    }
}
