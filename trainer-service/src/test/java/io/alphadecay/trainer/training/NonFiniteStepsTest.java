package io.alphadecay.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NonFiniteStepsTest {

    @Test
    void finiteStepsAreNeverSkipped() {
        NonFiniteSteps steps = new NonFiniteSteps(3);
        for (long step = 1; step <= 10; step++) {
            assertThat(steps.skip(step, 2.5, 0.7)).isFalse();
        }
        assertThat(steps.skipped()).isZero();
    }

    @Test
    void aNaNLossOrAnInfiniteNormIsSkippedAndAGoodStepResetsTheRow() {
        NonFiniteSteps steps = new NonFiniteSteps(3);
        assertThat(steps.skip(1, Double.NaN, 1.0)).isTrue();
        assertThat(steps.skip(2, 2.0, Double.POSITIVE_INFINITY)).isTrue();
        assertThat(steps.skip(3, 2.0, 1.0)).isFalse();
        assertThat(steps.skip(4, Double.NEGATIVE_INFINITY, 1.0)).isTrue();
        assertThat(steps.skip(5, Double.NaN, Double.NaN)).isTrue();
        assertThat(steps.skip(6, 1.9, 1.0)).isFalse();
        assertThat(steps.skipped()).isEqualTo(4);
    }

    @Test
    void theLimitInARowFailsNamingTheSteps() {
        NonFiniteSteps steps = new NonFiniteSteps(3);
        steps.skip(7, 2.0, 1.0);
        steps.skip(8, Double.NaN, 1.0);
        steps.skip(9, Double.NaN, 1.0);
        assertThatThrownBy(() -> steps.skip(10, Double.NaN, Double.NaN))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("3 steps in a row")
                .hasMessageContaining("steps 8 to 10")
                .hasMessageContaining("diverged");
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new NonFiniteSteps(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
