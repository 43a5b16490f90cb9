package io.alphadecay.trainer.data.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Learns byte-level BPE merges from word counts. Each distinct word is a sequence of byte symbols weighted by its
 * count; the most frequent adjacent pair is merged into a new symbol until the vocabulary is full. Only the words
 * that contain the merged pair are rewritten, and a max-heap with lazily refreshed entries finds the next pair, so
 * the cost follows the number of rewrites rather than merges × corpus. Ties go to the smaller pair of ids, which
 * makes the result a pure function of the counts.
 */
public final class BpeTrainer {

    private BpeTrainer() {}

    /** The learned vocabulary (byte tokens first, by byte value) and merges, in merge order. */
    public record Result(List<String> vocab, List<String> merges) {}

    private record Entry(long count, long key, int slot) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(o.count, count);
            return c != 0 ? c : Long.compare(key, o.key);
        }
    }

    /** Trains until {@code maxTokens} tokens (bytes included) exist or no pair is left to merge. */
    public static Result train(Map<String, Long> wordCounts, int maxTokens) {
        if (maxTokens < 256) {
            throw new IllegalArgumentException("A byte-level vocabulary needs at least 256 tokens: " + maxTokens);
        }
        List<String> words = wordCounts.keySet().stream().sorted().toList();
        int n = words.size();
        int[][] symbols = new int[n][];
        int[] lengths = new int[n];
        long[] freq = new long[n];
        for (int w = 0; w < n; w++) {
            byte[] bytes = words.get(w).getBytes(StandardCharsets.UTF_8);
            symbols[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[w][i] = bytes[i] & 0xff;
            }
            lengths[w] = bytes.length;
            freq[w] = wordCounts.get(words.get(w));
        }

        List<String> vocab = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            String token = String.valueOf(ByteLevel.charOf(b));
            ids.put(token, vocab.size());
            vocab.add(token);
        }

        PairTable pairs = new PairTable();
        for (int w = 0; w < n; w++) {
            for (int i = 0; i + 1 < lengths[w]; i++) {
                int slot = pairs.slot(PairTable.key(symbols[w][i], symbols[w][i + 1]));
                pairs.add(slot, freq[w]);
                pairs.addWord(slot, w);
            }
        }
        PriorityQueue<Entry> heap = new PriorityQueue<>();
        for (int slot = 0; slot < pairs.size(); slot++) {
            heap.add(new Entry(pairs.count(slot), pairs.key(slot), slot));
        }

        List<String> merges = new ArrayList<>();
        int[] wordStamp = new int[n];
        int[] slotStamp = new int[16];
        List<Integer> touched = new ArrayList<>();
        int round = 0;
        while (vocab.size() < maxTokens && !heap.isEmpty()) {
            Entry top = heap.poll();
            long current = pairs.count(top.slot());
            if (current != top.count()) {
                // Stale: counts only fall, except for pairs with the newest symbol, which get fresh entries.
                if (current > 0 && current < top.count()) {
                    heap.add(new Entry(current, top.key(), top.slot()));
                }
                continue;
            }
            if (current <= 0) {
                continue;
            }
            round++;
            int a = PairTable.left(top.key());
            int b = PairTable.right(top.key());
            String token = vocab.get(a) + vocab.get(b);
            Integer known = ids.get(token); // two merge paths can spell the same token: it keeps one id
            int c = known != null ? known : vocab.size();
            if (known == null) {
                ids.put(token, c);
                vocab.add(token);
            }
            merges.add(vocab.get(a) + " " + vocab.get(b));

            touched.clear();
            for (int w : pairs.words(top.slot())) {
                if (wordStamp[w] == round) {
                    continue;
                }
                wordStamp[w] = round;
                int[] s = symbols[w];
                int len = lengths[w];
                if (!contains(s, len, a, b)) {
                    continue;
                }
                for (int i = 0; i + 1 < len; i++) {
                    pairs.add(pairs.slot(PairTable.key(s[i], s[i + 1])), -freq[w]);
                }
                int out = 0;
                for (int i = 0; i < len; i++) {
                    if (i + 1 < len && s[i] == a && s[i + 1] == b) {
                        s[out++] = c;
                        i++;
                    } else {
                        s[out++] = s[i];
                    }
                }
                lengths[w] = out;
                for (int i = 0; i + 1 < out; i++) {
                    int slot = pairs.slot(PairTable.key(s[i], s[i + 1]));
                    pairs.add(slot, freq[w]);
                    if (s[i] == c || s[i + 1] == c) {
                        pairs.addWord(slot, w);
                        if (slot >= slotStamp.length) {
                            slotStamp = java.util.Arrays.copyOf(slotStamp, Math.max(slot + 1, slotStamp.length * 2));
                        }
                        if (slotStamp[slot] != round) {
                            slotStamp[slot] = round;
                            touched.add(slot);
                        }
                    }
                }
            }
            pairs.clearWords(top.slot());
            for (int slot : touched) {
                if (pairs.count(slot) > 0) {
                    heap.add(new Entry(pairs.count(slot), pairs.key(slot), slot));
                }
            }
        }
        return new Result(List.copyOf(vocab), List.copyOf(merges));
    }

    private static boolean contains(int[] s, int len, int a, int b) {
        for (int i = 0; i + 1 < len; i++) {
            if (s[i] == a && s[i + 1] == b) {
                return true;
            }
        }
        return false;
    }
}
