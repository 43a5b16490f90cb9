package io.alphadecay.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.checkpoint.NewCheckpoint;
import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.client.LeaseLost;
import io.alphadecay.api.client.Unavailable;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunState;
import io.alphadecay.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The worker's calls, through the api module's client, against a real control-api started from its jar. */
class WorkerCallsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ServiceProcess controlApi;

    private ControlApiClient client;

    @BeforeAll
    static void start() {
        controlApi = ServiceProcess.start();
    }

    @AfterAll
    static void stop() {
        controlApi.close();
    }

    @BeforeEach
    void client() {
        client = ControlApiClient.builder(controlApi.url(), ServiceProcess.SERVICE_TOKEN)
                .build();
        // Earlier tests' queued runs would be claimed first: end them.
        while (true) {
            var leftover = claimAny("sweeper");
            if (leftover == null) {
                break;
            }
            controlApi.asOperator("POST", "/api/v1/runs/" + leftover + "/cancel", null);
        }
    }

    @Test
    void claimsAQueuedRunWithItsFullConfiguration() throws Exception {
        UUID id =
                createRun("{\"name\": \"client-claim\", \"preset\": \"tiny\", \"steps\": 40, \"optimizer\": \"adam\"}");

        Run run = client.claim("w-1", Map.of("djl", "0.36.0")).orElseThrow();

        assertThat(run.id()).isEqualTo(id);
        assertThat(run.state()).isEqualTo(RunState.RUNNING);
        assertThat(run.attempt()).isEqualTo(1);
        assertThat(run.config().preset()).isEqualTo("tiny");
        assertThat(run.config().steps()).isEqualTo(40);
        assertThat(run.config().optimizer()).isEqualTo("adam");
        assertThat(run.config().decay().policy()).isEqualTo("alphadecay");
        assertThat(client.claim("w-2", Map.of())).isEmpty();
    }

    @Test
    void heartbeatsShowACancelAndOnlyTheHolderMayReport() throws Exception {
        UUID id = createRun("{\"preset\": \"tiny\", \"steps\": 40}");
        client.claim("holder", Map.of()).orElseThrow();

        assertThat(client.heartbeat(id, "holder", 5, 640, 12.0).progress().step())
                .isEqualTo(5);
        controlApi.asOperator("POST", "/api/v1/runs/" + id + "/cancel", null);
        assertThat(client.heartbeat(id, "holder", 6, 768, null).cancelRequested())
                .isTrue();
        assertThatThrownBy(() -> client.heartbeat(id, "intruder", 6, 768, null)).isInstanceOf(LeaseLost.class);

        client.reportState(id, "holder", RunState.CANCELLED, null, 6);
        assertThat(JSON.readTree(controlApi
                                .asOperator("GET", "/api/v1/runs/" + id, null)
                                .body())
                        .get("state")
                        .asString())
                .isEqualTo("CANCELLED");
    }

    @Test
    void metricsSurviveAnOutageThroughTheBuffer() throws Exception {
        UUID id = createRun("{\"preset\": \"tiny\", \"steps\": 40}");
        ControlApiClient down = ControlApiClient.builder(URI.create("http://127.0.0.1:9"), ServiceProcess.SERVICE_TOKEN)
                .build();
        MetricBuffer offline = new MetricBuffer(id, 1000);
        for (int step = 1; step <= 30; step++) {
            offline.add("train_loss", step, 5.0 - step * 0.01);
        }
        offline.add("train_loss", 31, Double.NaN);

        assertThat(offline.flush(down)).isFalse();
        assertThat(offline.pending()).isEqualTo(30);

        MetricBuffer online = new MetricBuffer(id, 1000);
        for (int step = 1; step <= 30; step++) {
            online.add("train_loss", step, 5.0 - step * 0.01);
        }
        assertThat(online.flush(client)).isTrue();
        assertThat(online.flush(client)).isTrue();
        assertThat(online.pending()).isZero();
        JsonNode points = JSON.readTree(controlApi
                        .asOperator("GET", "/api/v1/runs/" + id + "/metrics", null)
                        .body())
                .get("points");
        assertThat(points).hasSize(30);
        assertThat(points.get(29).get("value").asDouble()).isEqualTo(5.0 - 30 * 0.01);
    }

    @Test
    void aBatchTheControlApiRefusesIsDroppedAndCountedNotResent() {
        // An unknown run: the control-api answers 404, which no retry would change.
        MetricBuffer buffer = new MetricBuffer(UUID.randomUUID(), 1000);
        for (int step = 1; step <= 5; step++) {
            buffer.add("train_loss", step, 1.0);
        }

        assertThat(buffer.flush(client)).isTrue();
        assertThat(buffer.pending()).isZero();
        assertThat(buffer.dropped()).isEqualTo(5);
    }

    @Test
    void aFullBufferDropsTheOldestPointsAndCountsThem() {
        MetricBuffer buffer = new MetricBuffer(UUID.randomUUID(), 10);
        for (int step = 0; step < 25; step++) {
            buffer.add("grad_norm", step, 1.0);
        }
        assertThat(buffer.pending()).isEqualTo(10);
        assertThat(buffer.dropped()).isEqualTo(15);
    }

    @Test
    void readsTheEffectiveDecayAssignmentAndRegistersCheckpoints() throws Exception {
        UUID id = createRun("{\"preset\": \"tiny\", \"steps\": 40, \"weightDecay\": 0.2}");
        controlApi.asOperator(
                "PUT",
                "/api/v1/runs/" + id + "/decay-overrides",
                "{\"overrides\": {\"model.layers.1.mlp.up_proj.weight\": 0.05}}");

        DecayAssignment assignment = client.decayAssignment(id);
        assertThat(assignment.defaultWeightDecay()).isEqualTo(0.2);
        assertThat(assignment.modules())
                .extracting(DecayAssignment.Entry::name, DecayAssignment.Entry::weightDecay)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("model.layers.1.mlp.up_proj.weight", 0.05));
        assertThat(assignment.analysisId()).isNull();

        client.registerCheckpoint(id, new NewCheckpoint(20L, "file:///ckpt/20", 1234L, "c".repeat(64)));
        client.event(id, "note", "checkpoint written");
        JsonNode checkpoints = JSON.readTree(controlApi
                        .asOperator("GET", "/api/v1/runs/" + id + "/checkpoints", null)
                        .body())
                .get("checkpoints");
        assertThat(checkpoints.get(0).get("step").asLong()).isEqualTo(20);
    }

    @Test
    void anUnreachableControlApiIsUnavailableNotAnError() {
        ControlApiClient down = ControlApiClient.builder(URI.create("http://127.0.0.1:9"), ServiceProcess.SERVICE_TOKEN)
                .build();
        assertThatThrownBy(() -> down.claim("w", Map.of())).isInstanceOf(Unavailable.class);
    }

    private UUID createRun(String body) {
        var response = controlApi.asOperator("POST", "/api/v1/runs", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(JSON.readTree(response.body()).get("id").asString());
    }

    private String claimAny(String worker) {
        try {
            return client.claim(worker, Map.of()).map(r -> r.id().toString()).orElse(null);
        } catch (ApiCallException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
