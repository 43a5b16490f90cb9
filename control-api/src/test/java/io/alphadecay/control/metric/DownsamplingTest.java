package io.alphadecay.control.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class DownsamplingTest {

    @Test
    void keepsShortSeriesWhole() {
        List<Integer> series = List.of(1, 2, 3);
        assertThat(Downsampling.evenly(series, 3)).isSameAs(series);
    }

    @Test
    void keepsExactlyMaxDistinctPointsIncludingBothEnds() {
        List<Integer> series = IntStream.range(0, 1001).boxed().toList();
        for (int max : new int[] { 2, 3, 7, 100, 1000 }) {
            List<Integer> kept = Downsampling.evenly(series, max);
            assertThat(kept).hasSize(max).doesNotHaveDuplicates().isSorted();
            assertThat(kept.get(0)).isZero();
            assertThat(kept.get(max - 1)).isEqualTo(1000);
        }
    }
}
