package io.alphadecay.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmsUpLinearlyThenFollowsACosineToTheFloorAtTheLastStep() {
        LearningRateSchedule schedule = LearningRateSchedule.cosine(1e-3, 10, 110, 0.1);

        assertThat(schedule.at(1)).isCloseTo(1e-4, within(1e-12));
        assertThat(schedule.at(5)).isCloseTo(5e-4, within(1e-12));
        assertThat(schedule.at(10)).isCloseTo(1e-3, within(1e-12));
        // halfway through the decay the cosine is at the midpoint between peak and floor
        assertThat(schedule.at(60)).isCloseTo(0.55e-3, within(1e-12));
        assertThat(schedule.at(110)).isCloseTo(1e-4, within(1e-12));
        assertThat(schedule.at(500)).isCloseTo(1e-4, within(1e-12));
        for (int step = 11; step < 110; step++) {
            assertThat(schedule.at(step + 1)).isLessThan(schedule.at(step));
        }
    }

    @Test
    void linearAndConstantShapes() {
        LearningRateSchedule linear = new LearningRateSchedule(2.0, 0, 100, 0.0, LearningRateSchedule.Decay.LINEAR);
        assertThat(linear.at(25)).isCloseTo(1.5, within(1e-12));
        assertThat(linear.at(100)).isCloseTo(0.0, within(1e-12));

        LearningRateSchedule constant =
                new LearningRateSchedule(2.0, 4, 100, 0.1, LearningRateSchedule.Decay.parse("constant"));
        assertThat(constant.at(2)).isCloseTo(1.0, within(1e-12));
        assertThat(constant.at(4)).isEqualTo(2.0);
        assertThat(constant.at(100)).isEqualTo(2.0);
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> LearningRateSchedule.cosine(1e-3, 20, 10, 0.1)).hasMessageContaining("warmupSteps");
        assertThatThrownBy(() -> LearningRateSchedule.cosine(1e-3, 0, 10, 1.5)).hasMessageContaining("minLrRatio");
        assertThatThrownBy(() -> LearningRateSchedule.cosine(Double.NaN, 0, 10, 0.1))
                .hasMessageContaining("peak");
        assertThatThrownBy(() -> LearningRateSchedule.cosine(1e-3, 0, 10, 0.1).at(0))
                .hasMessageContaining("from 1");
        assertThatThrownBy(() -> LearningRateSchedule.Decay.parse("step")).hasMessageContaining("unknown schedule");
    }
}
