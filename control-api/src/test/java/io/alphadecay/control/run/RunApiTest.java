package io.alphadecay.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RunApiTest extends ApiTestBase {

    @Test
    void createsARunFromTheDocumentedBodyAndKeepsEveryField() {
        String name = uniqueName("ad-60m");
        Api.Response created = operator.post("/api/v1/runs", Fixtures.paperRun(name));

        assertThat(created.status()).isEqualTo(201);
        JsonNode run = created.json();
        assertThat(created.header("Location"))
                .isEqualTo("/api/v1/runs/" + run.get("id").asString());
        assertThat(run.get("name").asString()).isEqualTo(name);
        assertThat(run.get("state").asString()).isEqualTo("QUEUED");
        assertThat(run.get("attempt").asInt()).isEqualTo(1);
        assertThat(run.get("createdAt").isNull()).isFalse();
        assertThat(run.get("failureReason").isNull()).isTrue();
        JsonNode config = run.get("config");
        assertThat(config.get("preset").asString()).isEqualTo("llama-60m");
        assertThat(config.get("batchSize").asInt()).isEqualTo(512);
        assertThat(config.get("learningRate").asDouble()).isEqualTo(0.001);
        assertThat(config.at("/decay/s1").asDouble()).isEqualTo(0.6666);
        assertThat(config.at("/decay/estimator").asString()).isEqualTo("median-hill");
        assertThat(run.at("/progress/totalSteps").asLong()).isEqualTo(10000);
        assertThat(run.at("/provenance/seed").asLong()).isEqualTo(1);

        JsonNode fetched =
                operator.get("/api/v1/runs/" + run.get("id").asString()).json();
        assertThat(fetched.get("config")).isEqualTo(config);
    }

    @Test
    void fillsEveryOmittedFieldWithItsDefault() {
        Api.Response created = operator.post("/api/v1/runs", Map.of());

        assertThat(created.status()).isEqualTo(201);
        JsonNode config = created.json().get("config");
        assertThat(config.get("name").asString()).isEqualTo("cpu-small-alphadecay");
        assertThat(config.get("preset").asString()).isEqualTo("cpu-small");
        assertThat(config.get("optimizer").asString()).isEqualTo("adamw");
        assertThat(config.get("steps").asInt()).isEqualTo(2000);
        assertThat(config.get("warmupSteps").asInt()).isEqualTo(200);
        assertThat(config.get("weightDecay").asDouble()).isEqualTo(0.1);
        assertThat(config.at("/decay/policy").asString()).isEqualTo("alphadecay");
        assertThat(config.at("/decay/interval").asInt()).isEqualTo(500);
        assertThat(config.at("/decay/s2").asDouble()).isEqualTo(5.0);
        assertThat(config.at("/decay/sync").asBoolean()).isFalse();
        assertThat(config.get("dataset").asString()).isEqualTo("default");
        assertThat(config.has("architecture")).isFalse();
    }

    @Test
    void acceptsACustomArchitecture() {
        Map<String, Object> body = new LinkedHashMap<>(Fixtures.tinyRun(uniqueName("custom")));
        body.put("preset", "custom");
        body.put("architecture", Map.of("hiddenSize", 128, "intermediateSize", 344, "numLayers", 2, "numHeads", 4));

        Api.Response created = operator.post("/api/v1/runs", body);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().at("/config/architecture/intermediateSize").asInt())
                .isEqualTo(344);
    }

    @Test
    void rejectsUnknownFieldsNamingThem() {
        Map<String, Object> body = new LinkedHashMap<>(Fixtures.tinyRun("x"));
        body.put("decay", Map.of("policy", "alphadecay", "s3", 1));

        Api.Response response = operator.post("/api/v1/runs", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.problemType()).isEqualTo("urn:alphadecay:problem:validation-failed");
        assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("decay.s3");
    }

    @Test
    void rejectsOutOfRangeAndUnknownValuesNamingEachField() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("steps", 0);
        body.put("learningRate", 2.0);
        body.put("optimizer", "sgd");
        body.put("preset", "gpt-9");
        body.put("decay", Map.of("s2", -1, "estimator", "hill"));

        Api.Response response = operator.post("/api/v1/runs", body);

        assertThat(response.status()).isEqualTo(400);
        Set<String> fields = new HashSet<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields)
                .containsExactlyInAnyOrder(
                        "steps", "learningRate", "optimizer", "preset", "decay.s2", "decay.estimator");
    }

    @Test
    void rejectsWrongTypesAndMalformedJson() {
        Api.Response wrongType = operator.post("/api/v1/runs", "{\"steps\": \"many\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().at("/errors/0/field").asString()).isEqualTo("steps");

        Api.Response malformed = operator.post("/api/v1/runs", "{\"steps\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.problemType()).isEqualTo("urn:alphadecay:problem:malformed-request");

        Api.Response trailing = operator.post("/api/v1/runs", "{} {}");
        assertThat(trailing.status()).isEqualTo(400);
    }

    @Test
    void rejectsInconsistentConfigurations() {
        Map<String, Object> warmup = Map.of("steps", 100, "warmupSteps", 100);
        assertThat(operator.post("/api/v1/runs", warmup)
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("warmupSteps");

        Map<String, Object> custom = Map.of("preset", "custom");
        assertThat(operator.post("/api/v1/runs", custom)
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("architecture");

        Map<String, Object> archWithPreset = Map.of(
                "preset",
                "tiny",
                "architecture",
                Map.of("hiddenSize", 64, "intermediateSize", 128, "numLayers", 1, "numHeads", 4));
        assertThat(operator.post("/api/v1/runs", archWithPreset).status()).isEqualTo(400);

        Map<String, Object> heads = Map.of(
                "preset",
                "custom",
                "architecture",
                Map.of("hiddenSize", 100, "intermediateSize", 128, "numLayers", 1, "numHeads", 3));
        assertThat(operator.post("/api/v1/runs", heads)
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("architecture.numHeads");

        Map<String, Object> scale = Map.of("decay", Map.of("s1", 6, "s2", 5));
        assertThat(operator.post("/api/v1/runs", scale)
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("decay.s1");

        Map<String, Object> accumulation = Map.of("batchSize", 10, "gradientAccumulation", 3);
        assertThat(operator.post("/api/v1/runs", accumulation)
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("gradientAccumulation");
    }

    @Test
    void unknownAndInvalidIdsAreProblems() {
        Api.Response missing = operator.get("/api/v1/runs/00000000-0000-0000-0000-000000000000");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.problemType()).isEqualTo("urn:alphadecay:problem:not-found");

        Api.Response invalid = operator.get("/api/v1/runs/not-a-uuid");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().at("/errors/0/field").asString()).isEqualTo("id");

        Api.Response noRoute = operator.get("/api/v1/nothing-here");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.contentType()).startsWith("application/problem+json");

        Api.Response wrongMethod = operator.delete("/api/v1/runs/00000000-0000-0000-0000-000000000000");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.problemType()).isEqualTo("urn:alphadecay:problem:method-not-allowed");
    }

    @Test
    void sameIdempotencyKeyAndBodyReturnsTheSameRunWithoutCreatingAnother() {
        String key = uniqueName("key");
        String name = uniqueName("idem");
        Api.Response first = operator.post("/api/v1/runs", Fixtures.tinyRun(name), Map.of("Idempotency-Key", key));
        Api.Response again = operator.post("/api/v1/runs", Fixtures.tinyRun(name), Map.of("Idempotency-Key", key));

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(operator.get("/api/v1/runs?name=" + name).json().get("items"))
                .hasSize(1);

        Api.Response tooLong =
                operator.post("/api/v1/runs", Fixtures.tinyRun(name), Map.of("Idempotency-Key", "k".repeat(201)));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().at("/errors/0/field").asString()).isEqualTo("Idempotency-Key");

        Api.Response different =
                operator.post("/api/v1/runs", Fixtures.tinyRun(name + "-other"), Map.of("Idempotency-Key", key));
        assertThat(different.status()).isEqualTo(409);
        assertThat(different.problemType()).isEqualTo("urn:alphadecay:problem:idempotency-key-reused");
    }

    @Test
    void listsWithFiltersAndAStableCursor() {
        String name = uniqueName("page");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(operator.post("/api/v1/runs", Fixtures.tinyRun(name))
                    .json()
                    .get("id")
                    .asString());
        }
        operator.post("/api/v1/runs/" + ids.get(0) + "/cancel", null);

        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String path = "/api/v1/runs?name=" + name + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = operator.get(path).json();
            page.get("items").forEach(item -> seen.add(item.get("id").asString()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        List<String> newestFirst = new java.util.ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).isEqualTo(newestFirst);
        JsonNode cancelled =
                operator.get("/api/v1/runs?name=" + name + "&state=CANCELLED").json();
        assertThat(cancelled.get("items")).hasSize(1);
        assertThat(cancelled.at("/items/0/id").asString()).isEqualTo(ids.get(0));

        assertThat(operator.get("/api/v1/runs?state=BOGUS").status()).isEqualTo(400);
        assertThat(operator.get("/api/v1/runs?cursor=%25%25").status()).isEqualTo(400);
        assertThat(operator.get("/api/v1/runs?cursor=bm9wZQ")
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("cursor");
        assertThat(operator.get("/api/v1/runs?limit=0").status()).isEqualTo(400);
        assertThat(operator.get("/api/v1/runs?limit=100000")
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("limit");
    }

    @Test
    void cancellingAQueuedRunEndsItAndATerminalRunCannotBeCancelled() {
        String id = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("cancel")))
                .json()
                .get("id")
                .asString();

        Api.Response cancelled = operator.post("/api/v1/runs/" + id + "/cancel", Map.of("reason", "wrong data"));
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("state").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.json().get("finishedAt").isNull()).isFalse();

        Api.Response again = operator.post("/api/v1/runs/" + id + "/cancel", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.problemType()).isEqualTo("urn:alphadecay:problem:invalid-state-transition");

        JsonNode events = operator.get("/api/v1/runs/" + id + "/events").json().get("events");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("type").asString()).isEqualTo("created");
        assertThat(events.get(1).get("message").asString()).contains("QUEUED → CANCELLED: wrong data");
    }

    @Test
    void eventsCanBeAppendedAndReadAfterAnId() {
        String id = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("events")))
                .json()
                .get("id")
                .asString();

        Api.Response note = operator.post(
                "/api/v1/runs/" + id + "/events",
                Map.of("type", "note", "message", "restarted the node", "data", Map.of("node", "gpu-3")));
        assertThat(note.status()).isEqualTo(201);
        Api.Response warning = service.post(
                "/api/v1/runs/" + id + "/events", Map.of("type", "warning", "message", "esd-service unreachable"));
        assertThat(warning.status()).isEqualTo(201);

        long noteId = note.json().get("id").asLong();
        JsonNode after = operator.get("/api/v1/runs/" + id + "/events?after=" + noteId)
                .json()
                .get("events");
        assertThat(after).hasSize(1);
        assertThat(after.get(0).get("type").asString()).isEqualTo("warning");

        assertThat(operator.post("/api/v1/runs/" + id + "/events", Map.of("type", "state", "message", "x"))
                        .status())
                .isEqualTo(400);
        assertThat(operator.post("/api/v1/runs/" + id + "/events", Map.of("type", "note"))
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("message");
        assertThat(operator.get("/api/v1/runs/00000000-0000-0000-0000-000000000000/events")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void theEventLogRefusesRewrites() {
        String id = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("append")))
                .json()
                .get("id")
                .asString();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.sql("DELETE FROM run_events WHERE run_id = :id")
                        .param("id", java.util.UUID.fromString(id))
                        .update())
                .hasMessageContaining("append-only");
    }
}
