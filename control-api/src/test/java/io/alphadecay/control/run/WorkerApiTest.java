package io.alphadecay.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The worker protocol: claim, heartbeat, report, cancel, and leases that expire. */
class WorkerApiTest extends ApiTestBase {

    @Autowired
    RunService runs;

    @BeforeEach
    void emptyQueue() {
        drainQueue();
    }

    @Test
    void claimReturnsNoContentWhenNothingIsQueued() {
        Api.Response response = service.post("/api/v1/runs:claim", Map.of("workerId", "idle-worker"));
        assertThat(response.status()).isEqualTo(204);
    }

    @Test
    void aWorkerClaimsTheOldestRunReportsProgressAndFinishesIt() {
        String older = create("older");
        String newer = create("newer");

        Api.Response claim = service.post(
                "/api/v1/runs:claim",
                Map.of("workerId", "gpu-0", "provenance", Map.of("djl", "0.36.0", "device", "cpu")));
        assertThat(claim.status()).isEqualTo(200);
        JsonNode run = claim.json();
        assertThat(run.get("id").asString()).isEqualTo(older);
        assertThat(run.get("state").asString()).isEqualTo("RUNNING");
        assertThat(run.at("/lease/owner").asString()).isEqualTo("gpu-0");
        assertThat(run.at("/provenance/djl").asString()).isEqualTo("0.36.0");
        assertThat(run.get("startedAt").isNull()).isFalse();

        Api.Response beat = service.post(
                "/api/v1/runs/" + older + "/heartbeat",
                Map.of("workerId", "gpu-0", "step", 40, "tokensSeen", 81920, "etaSeconds", 12.5));
        assertThat(beat.status()).isEqualTo(200);
        assertThat(beat.json().at("/progress/step").asLong()).isEqualTo(40);
        assertThat(beat.json().at("/progress/tokensSeen").asLong()).isEqualTo(81920);
        assertThat(beat.json().at("/progress/etaSeconds").asDouble()).isEqualTo(12.5);
        assertThat(beat.json().at("/progress/fraction").asDouble()).isEqualTo(0.4);

        Api.Response done = service.post(
                "/api/v1/runs/" + older + "/state", Map.of("workerId", "gpu-0", "state", "SUCCEEDED", "step", 100));
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(done.json().has("lease")).isFalse();
        assertThat(done.json().get("finishedAt").isNull()).isFalse();

        assertThat(operator.get("/api/v1/runs/" + newer).json().get("state").asString())
                .isEqualTo("QUEUED");
        JsonNode events =
                operator.get("/api/v1/runs/" + older + "/events").json().get("events");
        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly("created", "claimed", "state");
    }

    @Test
    void aFailureNeedsAReasonAndKeepsIt() {
        String id = create("fails");
        claim("w-fail");

        Api.Response noReason =
                service.post("/api/v1/runs/" + id + "/state", Map.of("workerId", "w-fail", "state", "FAILED"));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().at("/errors/0/field").asString()).isEqualTo("reason");

        Api.Response failed = service.post(
                "/api/v1/runs/" + id + "/state",
                Map.of("workerId", "w-fail", "state", "FAILED", "reason", "loss became NaN at step 12"));
        assertThat(failed.json().get("state").asString()).isEqualTo("FAILED");
        assertThat(failed.json().get("failureReason").asString()).isEqualTo("loss became NaN at step 12");
    }

    @Test
    void invalidTransitionsAreConflicts() {
        String id = create("transitions");
        claim("w-t");

        Api.Response toQueued =
                service.post("/api/v1/runs/" + id + "/state", Map.of("workerId", "w-t", "state", "QUEUED"));
        assertThat(toQueued.status()).isEqualTo(409);
        assertThat(toQueued.problemType()).isEqualTo("urn:alphadecay:problem:invalid-state-transition");

        Api.Response toCancelled =
                service.post("/api/v1/runs/" + id + "/state", Map.of("workerId", "w-t", "state", "CANCELLED"));
        assertThat(toCancelled.status()).isEqualTo(409);

        service.post("/api/v1/runs/" + id + "/state", Map.of("workerId", "w-t", "state", "SUCCEEDED"));
        Api.Response afterEnd = service.post(
                "/api/v1/runs/" + id + "/state", Map.of("workerId", "w-t", "state", "FAILED", "reason", "late"));
        assertThat(afterEnd.status()).isEqualTo(409);

        Api.Response badState =
                service.post("/api/v1/runs/" + id + "/state", Map.of("workerId", "w-t", "state", "DONE"));
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.json().at("/errors/0/field").asString()).isEqualTo("state");
    }

    @Test
    void onlyTheLeaseHolderMayHeartbeatOrReport() {
        String id = create("lease");
        claim("holder");

        Api.Response intruder = service.post("/api/v1/runs/" + id + "/heartbeat", Map.of("workerId", "intruder"));
        assertThat(intruder.status()).isEqualTo(409);
        assertThat(intruder.problemType()).isEqualTo("urn:alphadecay:problem:lease-lost");

        Api.Response report =
                service.post("/api/v1/runs/" + id + "/state", Map.of("workerId", "intruder", "state", "SUCCEEDED"));
        assertThat(report.status()).isEqualTo(409);

        Api.Response unknown =
                service.post("/api/v1/runs/" + UUID.randomUUID() + "/heartbeat", Map.of("workerId", "holder"));
        assertThat(unknown.status()).isEqualTo(404);

        Api.Response badWorker =
                service.post("/api/v1/runs/" + id + "/heartbeat", Map.of("workerId", "no spaces allowed"));
        assertThat(badWorker.status()).isEqualTo(400);
        assertThat(badWorker.json().at("/errors/0/field").asString()).isEqualTo("workerId");

        Api.Response negative =
                service.post("/api/v1/runs/" + id + "/heartbeat", Map.of("workerId", "holder", "step", -1));
        assertThat(negative.json().at("/errors/0/field").asString()).isEqualTo("step");
    }

    @Test
    void cancellingARunningRunAsksTheWorkerToStop() {
        String id = create("cancel-running");
        claim("w-c");

        Api.Response requested = operator.post("/api/v1/runs/" + id + "/cancel", null);
        assertThat(requested.json().get("state").asString()).isEqualTo("CANCEL_REQUESTED");
        assertThat(operator.post("/api/v1/runs/" + id + "/cancel", null)
                        .json()
                        .get("state")
                        .asString())
                .isEqualTo("CANCEL_REQUESTED");

        Api.Response beat = service.post("/api/v1/runs/" + id + "/heartbeat", Map.of("workerId", "w-c", "step", 3));
        assertThat(beat.json().get("state").asString()).isEqualTo("CANCEL_REQUESTED");

        Api.Response stopped =
                service.post("/api/v1/runs/" + id + "/state", Map.of("workerId", "w-c", "state", "CANCELLED"));
        assertThat(stopped.status()).isEqualTo(200);
        assertThat(stopped.json().get("state").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void anExpiredLeaseSendsTheRunBackToTheQueueUntilItsLastAttempt() {
        String id = create("reaped");
        for (int attempt = 1; attempt <= 3; attempt++) {
            JsonNode claimed = claim("crashy-" + attempt);
            assertThat(claimed.get("id").asString()).isEqualTo(id);
            assertThat(claimed.get("attempt").asInt()).isEqualTo(attempt);
            expireLease(id);
            assertThat(runs.reapExpiredLeases()).isEqualTo(1);
        }

        JsonNode run = operator.get("/api/v1/runs/" + id).json();
        assertThat(run.get("state").asString()).isEqualTo("FAILED");
        assertThat(run.get("failureReason").asString()).contains("attempt 3 of 3");
        JsonNode events = operator.get("/api/v1/runs/" + id + "/events").json().get("events");
        assertThat(events)
                .filteredOn(e -> e.get("type").asString().equals("lease-expired"))
                .hasSize(3);

        Api.Response late = service.post("/api/v1/runs/" + id + "/heartbeat", Map.of("workerId", "crashy-3"));
        assertThat(late.status()).isEqualTo(409);
    }

    @Test
    void anExpiredLeaseWhileCancellingEndsTheRun() {
        String id = create("reaped-cancel");
        claim("gone");
        operator.post("/api/v1/runs/" + id + "/cancel", null);
        expireLease(id);

        assertThat(runs.reapExpiredLeases()).isEqualTo(1);
        assertThat(operator.get("/api/v1/runs/" + id).json().get("state").asString())
                .isEqualTo("CANCELLED");
    }

    @Test
    void aLiveLeaseIsNotReaped() {
        String id = create("alive");
        claim("alive-worker");

        assertThat(runs.reapExpiredLeases()).isZero();
        assertThat(operator.get("/api/v1/runs/" + id).json().get("state").asString())
                .isEqualTo("RUNNING");
    }

    private String create(String prefix) {
        return operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName(prefix)))
                .json()
                .get("id")
                .asString();
    }

    private JsonNode claim(String workerId) {
        Api.Response response = service.post("/api/v1/runs:claim", Map.of("workerId", workerId));
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    private void expireLease(String id) {
        jdbc.sql("UPDATE runs SET lease_expires_at = now() - interval '1 second' WHERE id = :id")
                .param("id", UUID.fromString(id))
                .update();
    }
}
