package io.alphadecay.trainer.data.tokenizer;

import java.util.Arrays;

/**
 * The adjacent symbol pairs of a BPE training run: an open-addressing map from pair to a dense slot, and per slot
 * the weighted count and the words it occurs in. Primitive arrays, because the trainer updates millions of pairs.
 */
final class PairTable {

    private long[] table = new long[1 << 16]; // slot + 1 in the low 32 bits, 0 when empty; keyed by pair
    private long[] tableKeys = new long[1 << 16];
    private long[] keys = new long[1 << 12];
    private long[] counts = new long[1 << 12];
    private int[][] words = new int[1 << 12][];
    private int[] wordCounts = new int[1 << 12];
    private int size;

    static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    static int left(long key) {
        return (int) (key >>> 32);
    }

    static int right(long key) {
        return (int) key;
    }

    int size() {
        return size;
    }

    /** The slot of a pair, created with count 0 when new. */
    int slot(long key) {
        int mask = table.length - 1;
        int i = mix(key) & mask;
        while (table[i] != 0) {
            if (tableKeys[i] == key) {
                return (int) table[i] - 1;
            }
            i = (i + 1) & mask;
        }
        if (size == keys.length) {
            growSlots();
        }
        int slot = size++;
        keys[slot] = key;
        table[i] = slot + 1;
        tableKeys[i] = key;
        if (size * 2 > table.length) {
            rehash();
        }
        return slot;
    }

    long key(int slot) {
        return keys[slot];
    }

    long count(int slot) {
        return counts[slot];
    }

    void add(int slot, long delta) {
        counts[slot] += delta;
    }

    /** Records that {@code word} contains the pair; a word added twice in a row is kept once. */
    void addWord(int slot, int word) {
        int n = wordCounts[slot];
        int[] list = words[slot];
        if (list == null) {
            list = words[slot] = new int[4];
        } else if (n > 0 && list[n - 1] == word) {
            return;
        } else if (n == list.length) {
            list = words[slot] = Arrays.copyOf(list, n * 2);
        }
        list[n] = word;
        wordCounts[slot] = n + 1;
    }

    int[] words(int slot) {
        return words[slot] == null ? new int[0] : Arrays.copyOf(words[slot], wordCounts[slot]);
    }

    void clearWords(int slot) {
        words[slot] = null;
        wordCounts[slot] = 0;
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    private void growSlots() {
        int n = keys.length * 2;
        keys = Arrays.copyOf(keys, n);
        counts = Arrays.copyOf(counts, n);
        words = Arrays.copyOf(words, n);
        wordCounts = Arrays.copyOf(wordCounts, n);
    }

    private void rehash() {
        long[] newTable = new long[table.length * 2];
        long[] newKeys = new long[table.length * 2];
        int mask = newTable.length - 1;
        for (int slot = 0; slot < size; slot++) {
            int i = mix(keys[slot]) & mask;
            while (newTable[i] != 0) {
                i = (i + 1) & mask;
            }
            newTable[i] = slot + 1;
            newKeys[i] = keys[slot];
        }
        table = newTable;
        tableKeys = newKeys;
    }
}
