package io.alphadecay.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.testing.ServiceProcess;
import io.alphadecay.trainer.training.TrainingJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two slots drain the queue of a real control-api: every run ends, each exactly once. Closing the loop mid-run lets
 * the job finish its step and still reach the control-api.
 */
class WorkerLoopTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ServiceProcess controlApi;

    @BeforeAll
    static void start() {
        controlApi = ServiceProcess.start();
    }

    @AfterAll
    static void stop() {
        controlApi.close();
    }

    @Test
    void slotsClaimAndFinishEveryRunAndABrokenRunFails() throws Exception {
        String ok1 = create("{\"name\": \"loop-1\", \"preset\": \"tiny\", \"steps\": 5}");
        String ok2 = create("{\"name\": \"loop-2\", \"preset\": \"tiny\", \"steps\": 5}");
        String broken = create("{\"name\": \"loop-broken\", \"preset\": \"tiny\", \"steps\": 5}");
        ControlApiClient client = ControlApiClient.builder(controlApi.url(), ServiceProcess.SERVICE_TOKEN)
                .build();
        Set<String> trained = ConcurrentHashMap.newKeySet();

        try (WorkerLoop loop = new WorkerLoop(
                client,
                new RunExecutor(client, 100, 100, 1000, new TrainerMeters(new SimpleMeterRegistry())),
                run -> {
                    if (run.name().equals("loop-broken")) {
                        throw new IllegalArgumentException("no such dataset");
                    }
                    return control -> {
                        trained.add(run.id().toString());
                        control.progress(run.config().steps(), 10, 0);
                        return TrainingJob.Outcome.COMPLETED;
                    };
                },
                "loop-worker",
                Map.of("device", "cpu"),
                50)) {
            loop.start(2);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && !(ended(ok1) && ended(ok2) && ended(broken))) {
                Thread.sleep(100);
            }
        }

        assertThat(state(ok1)).isEqualTo("SUCCEEDED");
        assertThat(state(ok2)).isEqualTo("SUCCEEDED");
        assertThat(state(broken)).isEqualTo("FAILED");
        assertThat(JSON.readTree(controlApi
                                .asOperator("GET", "/api/v1/runs/" + broken, null)
                                .body())
                        .get("failureReason")
                        .asString())
                .contains("no such dataset");
        assertThat(trained).containsExactlyInAnyOrder(ok1, ok2);
    }

    @Test
    void closingMidRunStopsTheJobAtItsStepAndStillSendsItsLastMetrics() throws Exception {
        String id = create("{\"name\": \"loop-shutdown\", \"preset\": \"tiny\", \"steps\": 1000000}");
        ControlApiClient client = ControlApiClient.builder(controlApi.url(), ServiceProcess.SERVICE_TOKEN)
                .build();
        CountDownLatch training = new CountDownLatch(1);
        AtomicBoolean interruptedAtStop = new AtomicBoolean(true);

        // A flush interval far beyond the test: the points can only arrive through the executor's last flush.
        WorkerLoop loop = new WorkerLoop(
                client,
                new RunExecutor(client, 100, 3_600_000, 100_000, new TrainerMeters(new SimpleMeterRegistry())),
                run -> control -> {
                    long step = 0;
                    while (!control.stopRequested()) {
                        step++;
                        control.metric("train_loss", step, 1.0 / step);
                        control.progress(step, step * 10, 1);
                        training.countDown();
                        Thread.sleep(5);
                    }
                    interruptedAtStop.set(Thread.currentThread().isInterrupted());
                    control.metric("stopped_at", step, step);
                    return TrainingJob.Outcome.STOPPED;
                },
                "loop-stopper",
                Map.of("device", "cpu"),
                50);
        loop.start(1);
        assertThat(training.await(30, TimeUnit.SECONDS)).isTrue();
        loop.close();

        assertThat(interruptedAtStop).isFalse();
        assertThat(state(id)).isEqualTo("RUNNING"); // not reported: its lease expires and another worker resumes it
        var stoppedAt = JSON.readTree(controlApi
                        .asOperator("GET", "/api/v1/runs/" + id + "/metrics?name=stopped_at", null)
                        .body())
                .get("points");
        assertThat(stoppedAt).hasSize(1);
        long lastStep = stoppedAt.get(0).get("step").asLong();
        var losses = JSON.readTree(controlApi
                        .asOperator("GET", "/api/v1/runs/" + id + "/metrics?name=train_loss&maxPoints=100000", null)
                        .body())
                .get("points");
        assertThat(losses).hasSize((int) lastStep);
    }

    private static String create(String body) {
        return JSON.readTree(controlApi.asOperator("POST", "/api/v1/runs", body).body())
                .get("id")
                .asString();
    }

    private static String state(String id) {
        return JSON.readTree(
                        controlApi.asOperator("GET", "/api/v1/runs/" + id, null).body())
                .get("state")
                .asString();
    }

    private static boolean ended(String id) {
        return Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state(id));
    }
}
