package io.alphadecay.cli.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.alphadecay.cli.experiment.ExperimentStats.Summary;
import org.junit.jupiter.api.Test;

class ExperimentStatsTest {

    @Test
    void meanSampleStandardDeviationAndStandardError() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squares 32, sample variance 32 / 7
        Summary summary = ExperimentStats.summarize(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0));

        assertThat(summary.n()).isEqualTo(8);
        assertThat(summary.mean()).isEqualTo(5.0);
        assertThat(summary.sd()).isCloseTo(Math.sqrt(32.0 / 7), within(1e-12));
        assertThat(summary.standardError()).isCloseTo(Math.sqrt(32.0 / 7) / Math.sqrt(8), within(1e-12));
    }

    @Test
    void oneValueHasAMeanButNoSpreadAndNoValuesHaveNothing() {
        Summary one = ExperimentStats.summarize(List.of(3.5));
        assertThat(one.n()).isEqualTo(1);
        assertThat(one.mean()).isEqualTo(3.5);
        assertThat(one.sd()).isNaN();
        assertThat(one.standardError()).isNaN();

        Summary none = ExperimentStats.summarize(List.of());
        assertThat(none.n()).isZero();
        assertThat(none.mean()).isNaN();
    }

    @Test
    void differencesArePairedBySeedAndSeedsWithoutAPartnerAreLeftOut() {
        Map<Long, Double> alphadecay = Map.of(1L, 10.0, 2L, 12.0, 3L, 11.0, 5L, 99.0);
        Map<Long, Double> uniform = Map.of(1L, 11.0, 2L, 12.5, 3L, 13.0, 4L, 1.0);

        ExperimentStats.Paired paired = ExperimentStats.paired(alphadecay, uniform);

        assertThat(paired.seeds()).containsExactly(1L, 2L, 3L);
        // differences −1, −0.5, −2: mean −7/6, sample sd over the three
        double mean = -3.5 / 3;
        double sd = Math.sqrt((Math.pow(-1 - mean, 2) + Math.pow(-0.5 - mean, 2) + Math.pow(-2 - mean, 2)) / 2);
        assertThat(paired.difference().n()).isEqualTo(3);
        assertThat(paired.difference().mean()).isCloseTo(mean, within(1e-12));
        assertThat(paired.difference().standardError()).isCloseTo(sd / Math.sqrt(3), within(1e-12));
    }

    @Test
    void theBestWeightDecayHasTheLowestMeanAmongCellsWithResults() {
        Map<Double, Summary> cells = new TreeMap<>(Map.of(
                0.05,
                new Summary(3, 20.0, 1.0),
                0.1,
                new Summary(2, 18.5, 0.5),
                0.2,
                new Summary(0, Double.NaN, Double.NaN)));

        assertThat(ExperimentStats.bestWeightDecay(cells)).contains(0.1);
        assertThat(ExperimentStats.bestWeightDecay(Map.of(0.1, new Summary(0, Double.NaN, Double.NaN))))
                .isEmpty();
    }
}
