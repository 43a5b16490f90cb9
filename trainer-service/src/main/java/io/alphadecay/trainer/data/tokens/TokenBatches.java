package io.alphadecay.trainer.data.tokens;

import java.util.ArrayList;
import java.util.List;

import io.alphadecay.trainer.data.DataException;

/**
 * Training batches over the training tokens: each of {@code batchSize} rows is {@code seqLen + 1} consecutive
 * tokens from an offset drawn by a generator seeded with (seed, batch index). Inputs are a row's first
 * {@code seqLen} tokens and targets the last {@code seqLen}. {@link #batch(long)} is a pure function of the seed
 * and the index, so a resumed run needs only the index of its next batch to continue the same stream.
 */
public final class TokenBatches {

    private final TokenFile tokens;
    private final long seed;
    private final int batchSize;
    private final int seqLen;

    public TokenBatches(TokenFile tokens, long seed, int batchSize, int seqLen) {
        checkShape(batchSize, seqLen);
        if (tokens.size() < seqLen + 1L) {
            throw new DataException(
                    "The training split has " + tokens.size() + " tokens, fewer than one row of " + (seqLen + 1));
        }
        this.tokens = tokens;
        this.seed = seed;
        this.batchSize = batchSize;
        this.seqLen = seqLen;
    }

    /** Batch number {@code index} (0, 1, 2, …): {@code batchSize} rows of {@code seqLen + 1} token ids. */
    public int[][] batch(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("Batch index must not be negative: " + index);
        }
        SplitMix random = SplitMix.of(seed, index);
        long offsets = tokens.size() - seqLen; // windows of seqLen + 1 that fit
        int[][] rows = new int[batchSize][seqLen + 1];
        for (int[] row : rows) {
            tokens.read(random.nextLong(offsets), row);
        }
        return rows;
    }

    public int batchSize() {
        return batchSize;
    }

    public int seqLen() {
        return seqLen;
    }

    public long seed() {
        return seed;
    }

    /**
     * A fixed evaluation set: {@code batchSize × evalBatches} non-overlapping windows of {@code seqLen + 1}
     * spread evenly from the first to the last token. When the tokens are too few, fewer whole batches come back.
     */
    public static List<int[][]> spread(TokenFile tokens, int batchSize, int seqLen, int evalBatches) {
        checkShape(batchSize, seqLen);
        if (evalBatches < 1) {
            throw new IllegalArgumentException("evalBatches must be positive: " + evalBatches);
        }
        long window = seqLen + 1L;
        long fit = tokens.size() / (window * batchSize);
        if (fit < 1) {
            throw new DataException("The validation split has " + tokens.size() + " tokens, fewer than one batch of "
                    + batchSize + " × " + window);
        }
        int batches = (int) Math.min(evalBatches, fit);
        long rows = (long) batches * batchSize;
        long last = tokens.size() - window;
        List<int[][]> result = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            int[][] batch = new int[batchSize][(int) window];
            for (int r = 0; r < batchSize; r++) {
                long i = (long) b * batchSize + r;
                // floor(i * last / (rows - 1)): steps of at least one window, since rows windows fit.
                long start = rows == 1 ? 0 : multiplyDivide(i, last, rows - 1);
                tokens.read(start, batch[r]);
            }
            result.add(batch);
        }
        return result;
    }

    private static long multiplyDivide(long a, long b, long c) {
        return java.math.BigInteger.valueOf(a)
                .multiply(java.math.BigInteger.valueOf(b))
                .divide(java.math.BigInteger.valueOf(c))
                .longValueExact();
    }

    private static void checkShape(int batchSize, int seqLen) {
        if (batchSize < 1 || seqLen < 1) {
            throw new IllegalArgumentException("batchSize and seqLen must be positive: " + batchSize + ", " + seqLen);
        }
    }
}
