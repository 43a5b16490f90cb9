package io.alphadecay.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class TrainerMetersTest {

    @Test
    void mapsReportedPointsToGaugesAndHistograms() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TrainerMeters meters = new TrainerMeters(registry);

        meters.record("train_loss", 3.25);
        meters.record("tokens_per_second", 4000);
        meters.record("step_seconds", 0.5);
        meters.record("step_seconds", 1.5);
        meters.record("esd_round_trip_seconds", 2.0);
        meters.record("checkpoint_seconds", 0.25);
        meters.record("learning_rate", 0.001);

        assertThat(registry.get("alphadecay.trainer.train.loss").gauge().value())
                .isEqualTo(3.25);
        assertThat(registry.get("alphadecay.trainer.tokens.per.second").gauge().value())
                .isEqualTo(4000);
        assertThat(registry.get("alphadecay.trainer.validation.perplexity")
                        .gauge()
                        .value())
                .isNaN();
        assertThat(registry.get("alphadecay.trainer.step.duration").timer().count())
                .isEqualTo(2);
        assertThat(registry.get("alphadecay.trainer.step.duration")
                        .timer()
                        .totalTime(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(2.0);
        assertThat(registry.get("alphadecay.trainer.esd.round.trip").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("alphadecay.trainer.checkpoint.write").timer().count())
                .isEqualTo(1);
    }
}
