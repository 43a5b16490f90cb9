package io.alphadecay.esd.spectrum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class DecayPolicyTest {

    @Test
    void spreadsDecaysLinearlyFromS1AtTheSmallestAlphaToS2AtTheLargest() {
        double[] decays = DecayFormula.alphaDecay(new double[] {3, 2, 4, 2.5}, 0.1, 0.5, 2);

        assertThat(decays).containsExactly(new double[] {0.125, 0.05, 0.2, 0.0875}, within(1e-15));
    }

    @Test
    void equalAlphasAllGetS1TimesWd0() {
        assertThat(DecayFormula.alphaDecay(new double[] {2.7, 2.7, 2.7}, 0.1, 0.6666, 5))
                .containsExactly(new double[] {0.06666, 0.06666, 0.06666}, within(1e-15));
        assertThat(DecayFormula.alphaDecay(new double[] {3.1}, 0.2, 0.5, 5)).containsExactly(0.1);
    }

    @Test
    void nonFiniteAlphaGetsNaNAndDoesNotMoveTheRange() {
        double[] decays =
                DecayFormula.alphaDecay(new double[] {2, Double.NaN, 4, Double.POSITIVE_INFINITY, 3}, 0.1, 0.5, 2);

        assertThat(decays[1]).isNaN();
        assertThat(decays[3]).isNaN();
        assertThat(decays[0]).isCloseTo(0.05, within(1e-15));
        assertThat(decays[2]).isCloseTo(0.2, within(1e-15));
        assertThat(decays[4]).isCloseTo(0.125, within(1e-15));
    }

    @Test
    void noValidAlphaGivesOnlyNaN() {
        assertThat(Arrays.stream(DecayFormula.alphaDecay(new double[] {Double.NaN, Double.NaN}, 0.1, 0.5, 2)))
                .hasSize(2)
                .allMatch(d -> d.isNaN());
        assertThat(DecayFormula.alphaDecay(new double[0], 0.1, 0.5, 2)).isEmpty();
    }

    @Test
    void uniformGivesWd0ToEveryModule() {
        assertThat(DecayFormula.uniform(3, 0.05)).containsExactly(0.05, 0.05, 0.05);
        assertThat(DecayFormula.uniform(0, 0.05)).isEmpty();
    }
}
