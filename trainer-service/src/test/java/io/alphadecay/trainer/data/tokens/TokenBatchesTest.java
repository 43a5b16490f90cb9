package io.alphadecay.trainer.data.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import io.alphadecay.trainer.data.DataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches over a token file whose token at position i is i, so every row shows where it was read. */
class TokenBatchesTest {

    private static final int N = 10_000;

    @TempDir
    Path dir;

    private TokenFile tokens;

    @BeforeEach
    void positions() throws Exception {
        Path file = dir.resolve("positions.bin");
        try (TokenWriter writer = new TokenWriter(file, 4)) {
            for (int i = 0; i < N; i++) {
                writer.write(i);
            }
        }
        tokens = TokenFile.open(file, 4);
    }

    @AfterEach
    void close() throws Exception {
        tokens.close();
    }

    @Test
    void rowsAreWindowsOfSeqLenPlusOneConsecutiveTokens() {
        int[][] batch = new TokenBatches(tokens, 1, 8, 64).batch(0);
        assertThat(batch).hasNumberOfRows(8);
        for (int[] row : batch) {
            assertThat(row).hasSize(65);
            for (int i = 1; i < row.length; i++) {
                assertThat(row[i]).isEqualTo(row[0] + i); // targets are the inputs shifted by one
            }
            assertThat(row[0]).isBetween(0, N - 65);
        }
    }

    @Test
    void aBatchIsAPureFunctionOfSeedAndIndex() {
        TokenBatches a = new TokenBatches(tokens, 42, 4, 16);
        TokenBatches b = new TokenBatches(tokens, 42, 4, 16);
        for (long i : new long[] {0, 1, 2, 1_000_000_007L, Long.MAX_VALUE}) {
            assertThat(b.batch(i)).isDeepEqualTo(a.batch(i));
        }
        assertThat(a.batch(3)).isNotEqualTo(a.batch(4));
        assertThat(new TokenBatches(tokens, 43, 4, 16).batch(3)).isNotEqualTo(a.batch(3));
    }

    @Test
    void offsetsCoverTheWholeRange() {
        TokenBatches batches = new TokenBatches(tokens, 5, 16, 8);
        int[] buckets = new int[10];
        for (long i = 0; i < 500; i++) {
            for (int[] row : batches.batch(i)) {
                buckets[row[0] * 10 / (N - 8)]++;
            }
        }
        for (int count : buckets) {
            assertThat(count).isBetween(600, 1000); // 8000 rows in 10 buckets
        }
    }

    @Test
    void validationWindowsAreFixedSpreadAndDisjoint() {
        List<int[][]> first = TokenBatches.spread(tokens, 4, 99, 5);
        assertThat(first).hasSize(5);
        assertThat(TokenBatches.spread(tokens, 4, 99, 5))
                .usingRecursiveComparison()
                .isEqualTo(first);
        int previous = -100;
        for (int[][] batch : first) {
            for (int[] row : batch) {
                assertThat(row[0]).isGreaterThanOrEqualTo(previous + 100);
                assertThat(row[99]).isEqualTo(row[0] + 99);
                previous = row[0];
            }
        }
        assertThat(first.get(0)[0][0]).isZero();
        assertThat(first.get(4)[3][99]).isEqualTo(N - 1);
    }

    @Test
    void aSmallValidationSplitGivesFewerWholeBatches() {
        assertThat(TokenBatches.spread(tokens, 10, 99, 50)).hasSize(10);
        assertThatThrownBy(() -> TokenBatches.spread(tokens, 200, 99, 1))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("fewer than one batch");
        assertThatThrownBy(() -> new TokenBatches(tokens, 1, 1, N)).isInstanceOf(DataException.class);
    }
}
