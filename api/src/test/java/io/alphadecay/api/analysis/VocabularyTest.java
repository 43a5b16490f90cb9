package io.alphadecay.api.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import io.alphadecay.api.run.RunConfig;
import org.junit.jupiter.api.Test;

/** The wire names written once as validation patterns agree with the enums that spell them. */
class VocabularyTest {

    @Test
    void thePatternsListExactlyTheEnumsWireNames() {
        assertThat(ModuleType.PATTERN).isEqualTo(String.join("|", ModuleType.wireNames()));
        assertThat(DecayPolicy.PATTERN)
                .isEqualTo(String.join(
                        "|",
                        Arrays.stream(DecayPolicy.values())
                                .map(DecayPolicy::wireName)
                                .toList()));
        assertThat(Estimator.PATTERN)
                .isEqualTo(String.join(
                        "|",
                        Arrays.stream(Estimator.values())
                                .map(Estimator::wireName)
                                .toList()));
        assertThat(ModuleType.projectionNames()).containsExactly("q", "k", "v", "o", "gate", "up", "down");
    }

    @Test
    void theEffectiveWeightDecayIsZeroOnlyWithoutDecay() {
        RunConfig none = config("none");
        RunConfig uniform = config("uniform");
        RunConfig alphaDecay = config("alphadecay");
        assertThat(none.effectiveWeightDecay()).isZero();
        assertThat(uniform.effectiveWeightDecay()).isEqualTo(0.3);
        assertThat(alphaDecay.effectiveWeightDecay()).isEqualTo(0.3);
        assertThat(DecayPolicy.ALPHADECAY.assignsFromAnalyses()).isTrue();
        assertThat(DecayPolicy.UNIFORM.assignsFromAnalyses()).isFalse();
        assertThatThrownBy(() -> DecayPolicy.of("awd")).hasMessageContaining("awd");
    }

    private static RunConfig config(String policy) {
        return new RunConfig(
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0.3,
                        null,
                        new RunConfig.DecayConfig(policy, null, null, null, null, null, null),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null)
                .withDefaults("x");
    }
}
