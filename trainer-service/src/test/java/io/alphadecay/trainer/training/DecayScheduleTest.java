package io.alphadecay.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.alphadecay.api.run.RunConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DecayScheduleTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void alphaDecayRunsAreAnalysedAndTakeTheDecays() {
        DecaySchedule schedule = schedule("{\"decay\": {\"policy\": \"alphadecay\", \"interval\": 50}}");
        assertThat(schedule.analysedAt(0)).isTrue();
        assertThat(schedule.analysedAt(50)).isTrue();
        assertThat(schedule.analysedAt(51)).isFalse();
        assertThat(schedule.appliesDecays()).isTrue();
    }

    @Test
    void otherPoliciesAreAnalysedOnlyWhenMonitoredAndKeepTheirDecays() {
        for (String policy : List.of("uniform", "none")) {
            DecaySchedule plain = schedule("{\"decay\": {\"policy\": \"" + policy + "\", \"interval\": 50}}");
            assertThat(plain.analysedAt(0)).as(policy).isFalse();
            assertThat(plain.analysedAt(50)).as(policy).isFalse();

            DecaySchedule monitored =
                    schedule("{\"decay\": {\"policy\": \"" + policy + "\", \"interval\": 50, \"monitor\": true}}");
            assertThat(monitored.analysedAt(0)).as(policy).isTrue();
            assertThat(monitored.analysedAt(100)).as(policy).isTrue();
            assertThat(monitored.analysedAt(75)).as(policy).isFalse();
            assertThat(monitored.appliesDecays()).as(policy).isFalse();
        }
    }

    private static DecaySchedule schedule(String json) {
        RunConfig config = JSON.readValue(json, RunConfig.class).withDefaults("schedule-test");
        return new DecaySchedule(config, List.of());
    }
}
