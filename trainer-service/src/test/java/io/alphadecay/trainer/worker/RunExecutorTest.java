package io.alphadecay.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.checkpoint.NewCheckpoint;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.run.Run;
import io.alphadecay.testing.ServiceProcess;
import io.alphadecay.trainer.training.TrainingJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The executor's protocol with a real control-api: a scripted job stands in for training so that each ending
 * (success, failure, cancel) is exercised in a second.
 */
class RunExecutorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ServiceProcess controlApi;
    private static ControlApiClient client;

    @BeforeAll
    static void start() {
        controlApi = ServiceProcess.start();
        client = ControlApiClient.builder(controlApi.url(), ServiceProcess.SERVICE_TOKEN)
                .build();
    }

    @AfterAll
    static void stop() {
        controlApi.close();
    }

    @Test
    void aCompletedJobIsReportedSucceededWithItsMetricsAndProgress() throws Exception {
        Run run = createAndClaim("exec-ok");
        RunExecutor executor = new RunExecutor(client, 50, 50, 1000, new TrainerMeters(new SimpleMeterRegistry()));

        executor.execute(run, "exec-worker", control -> {
            for (int step = 1; step <= 20; step++) {
                control.metric("train_loss", step, 4.0 - step * 0.1);
                control.progress(step, step * 128L, (20 - step) * 0.01);
                Thread.sleep(10);
            }
            control.event("note", "finished cleanly");
            return TrainingJob.Outcome.COMPLETED;
        });

        JsonNode stored = get("/api/v1/runs/" + run.id());
        assertThat(stored.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(stored.at("/progress/step").asLong()).isEqualTo(20);
        assertThat(get("/api/v1/runs/" + run.id() + "/metrics?name=train_loss").get("points"))
                .hasSize(20);
        assertThat(get("/api/v1/runs/" + run.id() + "/events").get("events"))
                .anySatisfy(e -> assertThat(e.get("message").asString()).isEqualTo("finished cleanly"));
    }

    @Test
    void checkpointsAndDecaysGoThroughTheControl() throws Exception {
        Run run = createAndClaim("exec-channel");
        RunExecutor executor = new RunExecutor(client, 1000, 1000, 1000, new TrainerMeters(new SimpleMeterRegistry()));
        List<Optional<DecayAssignment>> seen = new ArrayList<>();

        executor.execute(run, "exec-worker", control -> {
            control.checkpointCommitted(new NewCheckpoint(10L, "file:///ckpt/10", 4096L, "d".repeat(64)));
            seen.add(control.decayAssignment());
            // A refused registration (a malformed digest) is logged, not thrown into training
            control.checkpointCommitted(new NewCheckpoint(20L, "file:///ckpt/20", 4096L, "not-a-digest"));
            return TrainingJob.Outcome.COMPLETED;
        });

        assertThat(get("/api/v1/runs/" + run.id()).get("state").asString()).isEqualTo("SUCCEEDED");
        JsonNode checkpoints = get("/api/v1/runs/" + run.id() + "/checkpoints").get("checkpoints");
        assertThat(checkpoints).hasSize(1);
        assertThat(checkpoints.get(0).get("step").asLong()).isEqualTo(10);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).get().satisfies(assignment -> {
            assertThat(assignment.runId()).isEqualTo(run.id());
            assertThat(assignment.defaultWeightDecay()).isEqualTo(run.config().effectiveWeightDecay());
            assertThat(assignment.analysisId()).isNull();
        });
    }

    @Test
    void aFailingJobIsReportedFailedWithTheReason() throws Exception {
        Run run = createAndClaim("exec-fail");

        new RunExecutor(client, 50, 50, 1000, new TrainerMeters(new SimpleMeterRegistry()))
                .execute(run, "exec-worker", control -> {
                    throw new ArithmeticException("loss is NaN at step 3");
                });

        JsonNode stored = get("/api/v1/runs/" + run.id());
        assertThat(stored.get("state").asString()).isEqualTo("FAILED");
        assertThat(stored.get("failureReason").asString()).contains("loss is NaN at step 3");
    }

    @Test
    void aCancelReachesTheJobThroughTheHeartbeatWithinAStep() throws Exception {
        Run run = createAndClaim("exec-cancel");
        int[] stepsDone = {0};

        new RunExecutor(client, 30, 1000, 1000, new TrainerMeters(new SimpleMeterRegistry()))
                .execute(run, "exec-worker", control -> {
                    for (int step = 1; step <= 10_000; step++) {
                        if (control.stopRequested()) {
                            return TrainingJob.Outcome.STOPPED;
                        }
                        if (step == 5) {
                            controlApi.asOperator("POST", "/api/v1/runs/" + run.id() + "/cancel", null);
                        }
                        stepsDone[0] = step;
                        control.progress(step, step, 1);
                        Thread.sleep(10);
                    }
                    return TrainingJob.Outcome.COMPLETED;
                });

        assertThat(get("/api/v1/runs/" + run.id()).get("state").asString()).isEqualTo("CANCELLED");
        assertThat(stepsDone[0]).isBetween(5, 500);
    }

    @Test
    void aShutdownStopsTheJobWithoutEndingTheRun() throws Exception {
        Run run = createAndClaim("exec-shutdown");
        RunExecutor executor = new RunExecutor(client, 1000, 1000, 1000, new TrainerMeters(new SimpleMeterRegistry()));

        executor.execute(run, "exec-worker", control -> {
            executor.shutdown();
            return control.stopRequested() ? TrainingJob.Outcome.STOPPED : TrainingJob.Outcome.COMPLETED;
        });

        assertThat(get("/api/v1/runs/" + run.id()).get("state").asString()).isEqualTo("RUNNING");
    }

    private Run createAndClaim(String name) throws Exception {
        var created = controlApi.asOperator(
                "POST", "/api/v1/runs", "{\"name\": \"" + name + "\", \"preset\": \"tiny\", " + "\"steps\": 20}");
        UUID id = UUID.fromString(JSON.readTree(created.body()).get("id").asString());
        // Claim until this run comes up; runs of earlier tests are claimed and left to their fate.
        while (true) {
            Run claimed = client.claim("exec-worker", Map.of()).orElseThrow();
            if (claimed.id().equals(id)) {
                return claimed;
            }
        }
    }

    private static JsonNode get(String path) {
        return JSON.readTree(controlApi.asOperator("GET", path, null).body());
    }
}
