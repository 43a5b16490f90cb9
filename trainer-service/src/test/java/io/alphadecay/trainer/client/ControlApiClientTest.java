package io.alphadecay.trainer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import io.alphadecay.testing.ServiceProcess;
import io.alphadecay.trainer.worker.MetricBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The worker's calls against a real control-api, started from its jar, over HTTP. */
class ControlApiClientTest {

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
        client = new ControlApiClient(controlApi.url(), ServiceProcess.SERVICE_TOKEN);
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
        UUID id = createRun("{\"name\": \"client-claim\", \"preset\": \"tiny\", \"steps\": 40, \"optimizer\": \"adam\"}");

        ControlApiClient.Run run = client.claim("w-1", Map.of("djl", "0.36.0")).orElseThrow();

        assertThat(run.id()).isEqualTo(id);
        assertThat(run.state()).isEqualTo("RUNNING");
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

        assertThat(client.heartbeat(id, "holder", 5, 640, 12.0).progress().step()).isEqualTo(5);
        controlApi.asOperator("POST", "/api/v1/runs/" + id + "/cancel", null);
        assertThat(client.heartbeat(id, "holder", 6, 768, null).cancelRequested()).isTrue();
        assertThatThrownBy(() -> client.heartbeat(id, "intruder", 6, 768, null))
                .isInstanceOf(ControlApiClient.LeaseLost.class);

        client.reportState(id, "holder", "CANCELLED", null, 6);
        assertThat(JSON.readTree(controlApi.asOperator("GET", "/api/v1/runs/" + id, null).body()).get("state")
                .asString()).isEqualTo("CANCELLED");
    }

    @Test
    void metricsSurviveAnOutageThroughTheBuffer() throws Exception {
        UUID id = createRun("{\"preset\": \"tiny\", \"steps\": 40}");
        ControlApiClient down = new ControlApiClient(URI.create("http://127.0.0.1:9"), ServiceProcess.SERVICE_TOKEN);
        MetricBuffer offline = new MetricBuffer(id, down, 1000);
        for (int step = 1; step <= 30; step++) {
            offline.add("train_loss", step, 5.0 - step * 0.01);
        }
        offline.add("train_loss", 31, Double.NaN);

        assertThat(offline.flush()).isFalse();
        assertThat(offline.pending()).isEqualTo(30);

        MetricBuffer online = new MetricBuffer(id, client, 1000);
        for (int step = 1; step <= 30; step++) {
            online.add("train_loss", step, 5.0 - step * 0.01);
        }
        assertThat(online.flush()).isTrue();
        assertThat(online.flush()).isTrue();
        assertThat(online.pending()).isZero();
        JsonNode points = JSON.readTree(controlApi.asOperator("GET", "/api/v1/runs/" + id + "/metrics", null).body())
                .get("points");
        assertThat(points).hasSize(30);
        assertThat(points.get(29).get("value").asDouble()).isEqualTo(5.0 - 30 * 0.01);
    }

    @Test
    void aFullBufferDropsTheOldestPointsAndCountsThem() {
        MetricBuffer buffer = new MetricBuffer(UUID.randomUUID(), client, 10);
        for (int step = 0; step < 25; step++) {
            buffer.add("grad_norm", step, 1.0);
        }
        assertThat(buffer.pending()).isEqualTo(10);
        assertThat(buffer.dropped()).isEqualTo(15);
    }

    @Test
    void readsTheEffectiveDecayAssignmentAndRegistersCheckpoints() throws Exception {
        UUID id = createRun("{\"preset\": \"tiny\", \"steps\": 40, \"weightDecay\": 0.2}");
        controlApi.asOperator("PUT", "/api/v1/runs/" + id + "/decay-overrides",
                "{\"overrides\": {\"model.layers.1.mlp.up_proj.weight\": 0.05}}");

        ControlApiClient.DecayAssignment assignment = client.decayAssignment(id);
        assertThat(assignment.defaultWeightDecay()).isEqualTo(0.2);
        assertThat(assignment.modules()).containsExactly(Map.entry("model.layers.1.mlp.up_proj.weight", 0.05));
        assertThat(assignment.analysisId()).isNull();

        client.registerCheckpoint(id, 20, URI.create("file:///ckpt/20"), 1234, "c".repeat(64));
        client.event(id, "note", "checkpoint written");
        JsonNode checkpoints = JSON.readTree(controlApi.asOperator("GET", "/api/v1/runs/" + id + "/checkpoints", null)
                .body()).get("checkpoints");
        assertThat(checkpoints.get(0).get("step").asLong()).isEqualTo(20);
    }

    @Test
    void anUnreachableControlApiIsUnavailableNotAnError() {
        ControlApiClient down = new ControlApiClient(URI.create("http://127.0.0.1:9"), ServiceProcess.SERVICE_TOKEN);
        assertThatThrownBy(() -> down.claim("w", Map.of())).isInstanceOf(ControlApiClient.Unavailable.class);
    }

    private UUID createRun(String body) {
        var response = controlApi.asOperator("POST", "/api/v1/runs", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(JSON.readTree(response.body()).get("id").asString());
    }

    private String claimAny(String worker) {
        try {
            return client.claim(worker, Map.of()).map(r -> r.id().toString()).orElse(null);
        }
        catch (ControlApiClient.Unavailable ex) {
            throw new IllegalStateException(ex);
        }
    }
}
