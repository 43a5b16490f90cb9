package io.alphadecay.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.alphadecay.testing.ServiceProcess;
import io.alphadecay.trainer.client.ControlApiClient;
import io.alphadecay.trainer.training.TrainingJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Two slots drain the queue of a real control-api: every run ends, each exactly once. */
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
        ControlApiClient client = new ControlApiClient(controlApi.url(), ServiceProcess.SERVICE_TOKEN);
        Set<String> trained = ConcurrentHashMap.newKeySet();

        try (WorkerLoop loop = new WorkerLoop(client, new RunExecutor(client, 100, 100, 1000, new TrainerMeters(new SimpleMeterRegistry())), run -> {
            if (run.name().equals("loop-broken")) {
                throw new IllegalArgumentException("no such dataset");
            }
            return control -> {
                trained.add(run.id().toString());
                control.progress(run.config().steps(), 10, 0);
                return TrainingJob.Outcome.COMPLETED;
            };
        }, "loop-worker", Map.of("device", "cpu"), 50)) {
            loop.start(2);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && !(ended(ok1) && ended(ok2) && ended(broken))) {
                Thread.sleep(100);
            }
        }

        assertThat(state(ok1)).isEqualTo("SUCCEEDED");
        assertThat(state(ok2)).isEqualTo("SUCCEEDED");
        assertThat(state(broken)).isEqualTo("FAILED");
        assertThat(JSON.readTree(controlApi.asOperator("GET", "/api/v1/runs/" + broken, null).body())
                .get("failureReason").asString()).contains("no such dataset");
        assertThat(trained).containsExactlyInAnyOrder(ok1, ok2);
    }

    private static String create(String body) {
        return JSON.readTree(controlApi.asOperator("POST", "/api/v1/runs", body).body()).get("id").asString();
    }

    private static String state(String id) {
        return JSON.readTree(controlApi.asOperator("GET", "/api/v1/runs/" + id, null).body()).get("state").asString();
    }

    private static boolean ended(String id) {
        return Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state(id));
    }
}
