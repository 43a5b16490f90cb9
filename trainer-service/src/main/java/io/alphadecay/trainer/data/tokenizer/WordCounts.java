package io.alphadecay.trainer.data.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** How often each pre-tokenized word occurs in a set of texts, counted on all cores. */
public final class WordCounts {

    private static final int CHUNK = 1 << 18;

    private WordCounts() {}

    public static Map<String, Long> count(List<String> texts) {
        return texts.parallelStream()
                .flatMap(text -> TextChunks.split(text, CHUNK).stream())
                .map(WordCounts::countOne)
                .reduce(WordCounts::merge)
                .orElseGet(HashMap::new);
    }

    private static Map<String, Long> countOne(String text) {
        Map<String, Long> counts = new HashMap<>();
        Matcher m = ByteLevel.SPLIT.matcher(text);
        while (m.find()) {
            counts.merge(m.group(), 1L, Long::sum);
        }
        return counts;
    }

    private static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> big = a.size() >= b.size() ? a : b;
        Map<String, Long> small = big == a ? b : a;
        small.forEach((word, n) -> big.merge(word, n, Long::sum));
        return big;
    }
}
