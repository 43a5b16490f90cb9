package io.alphadecay.api.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alphadecay.api.problem.FieldError;
import org.junit.jupiter.api.Test;

class RunConfigTest {

    @Test
    void contradictingFieldsAreNamedWithoutAnyWebTypes() {
        RunConfig config = new RunConfig(
                        "r",
                        null,
                        null,
                        100,
                        16,
                        3,
                        null,
                        null,
                        null,
                        null,
                        100,
                        null,
                        null,
                        null,
                        null,
                        new RunConfig.DecayConfig(null, null, 3.0, 2.0, null, null, null),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null)
                .withDefaults("r");

        assertThatThrownBy(config::checkConsistency)
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        ex -> assertThat(ex.errors())
                                .extracting(FieldError::field)
                                .containsExactly("warmupSteps", "gradientAccumulation", "decay.s1"))
                .hasMessageContaining("warmupSteps: must be smaller than steps (100)");
    }
}
