package io.alphadecay.control.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AnalysisApiTest extends ApiTestBase {

    private static final String SHA = "a".repeat(64);

    private String run;

    @BeforeEach
    void run() {
        run = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("analysis")))
                .json()
                .get("id")
                .asString();
    }

    @Test
    void storesAnAnalysisWithEveryModuleFieldAndSummarisesIt() {
        Api.Response posted = service.post(
                path("/analyses"),
                Fixtures.analysis(
                        0, List.of(Fixtures.module(0, "k", 2.5, 0.0667), Fixtures.module(0, "up", 4.0, 0.5))));

        assertThat(posted.status()).isEqualTo(201);
        JsonNode analysis = posted.json();
        assertThat(posted.header("Location"))
                .endsWith("/analyses/" + analysis.get("id").asLong());
        assertThat(analysis.at("/summary/modules").asInt()).isEqualTo(2);
        assertThat(analysis.at("/summary/alphaMin").asDouble()).isEqualTo(2.5);
        assertThat(analysis.at("/summary/alphaMax").asDouble()).isEqualTo(4.0);
        JsonNode k = analysis.get("modules").get(0);
        assertThat(k.get("name").asString()).isEqualTo("model.layers.0.self_attn.k_proj.weight");
        assertThat(k.get("xmin").asDouble()).isEqualTo(0.5);
        assertThat(k.get("ksDistance").asDouble()).isEqualTo(0.05);
        assertThat(k.get("stableRank").asDouble()).isEqualTo(10.0);
        assertThat(k.get("weightDecay").asDouble()).isEqualTo(0.0667);

        JsonNode one =
                operator.get(path("/analyses/" + analysis.get("id").asLong())).json();
        assertThat(one.get("modules")).isEqualTo(analysis.get("modules"));
        assertThat(operator.get(path("/analyses/999999999")).status()).isEqualTo(404);
    }

    @Test
    void listsAnalysesAndReturnsTheLatest() {
        assertThat(operator.get(path("/analyses/latest")).status()).isEqualTo(404);
        service.post(path("/analyses"), Fixtures.analysis(0, List.of(Fixtures.module(0, "k", 2.0, 0.1))));
        service.post(path("/analyses"), Fixtures.analysis(500, List.of(Fixtures.module(0, "k", 3.0, 0.2))));

        JsonNode list = operator.get(path("/analyses")).json().get("analyses");
        assertThat(list).extracting(a -> a.get("step").asLong()).containsExactly(0L, 500L);
        assertThat(list.get(0).has("modules")).isFalse();
        JsonNode withModules =
                operator.get(path("/analyses?includeModules=true")).json().get("analyses");
        assertThat(withModules.get(1).at("/modules/0/alpha").asDouble()).isEqualTo(3.0);

        JsonNode latest = operator.get(path("/analyses/latest")).json();
        assertThat(latest.get("step").asLong()).isEqualTo(500);
        assertThat(latest.at("/modules/0/alpha").asDouble()).isEqualTo(3.0);
    }

    @Test
    void reportingTheSameStepAgainReplacesTheEarlierResult() {
        service.post(
                path("/analyses"),
                Fixtures.analysis(100, List.of(Fixtures.module(0, "k", 2.0, 0.1), Fixtures.module(0, "q", 2.2, 0.1))));
        service.post(path("/analyses"), Fixtures.analysis(100, List.of(Fixtures.module(0, "k", 2.4, 0.3))));

        JsonNode list =
                operator.get(path("/analyses?includeModules=true")).json().get("analyses");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("modules")).hasSize(1);
        assertThat(list.get(0).at("/modules/0/alpha").asDouble()).isEqualTo(2.4);
    }

    @Test
    void marksTheCheckpointOfTheAnalysedStep() {
        Api.Response registered = service.post(
                path("/checkpoints"), Map.of("step", 200, "uri", "file:///ckpt/200", "bytes", 1234, "sha256", SHA));
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.json().get("state").asString()).isEqualTo("COMMITTED");

        service.post(path("/analyses"), Fixtures.analysis(200, List.of(Fixtures.module(0, "k", 2.0, 0.1))));

        JsonNode checkpoints = operator.get(path("/checkpoints")).json().get("checkpoints");
        assertThat(checkpoints).hasSize(1);
        assertThat(checkpoints.get(0).get("state").asString()).isEqualTo("ANALYZED");
        assertThat(checkpoints.get(0).get("bytes").asLong()).isEqualTo(1234);
    }

    @Test
    void theEffectiveAssignmentIsTheLatestAnalysisWithOverridesOnTop() {
        JsonNode before = operator.get(path("/decay-assignment")).json();
        assertThat(before.get("policy").asString()).isEqualTo("alphadecay");
        assertThat(before.get("defaultWeightDecay").asDouble()).isEqualTo(0.1);
        assertThat(before.get("modules")).isEmpty();
        assertThat(before.get("analysisId").isNull()).isTrue();

        Map<String, Object> tooSmall = new LinkedHashMap<>(Fixtures.module(1, "q", 2.0, 0.1));
        tooSmall.put("status", "too-small");
        tooSmall.put("alpha", null);
        tooSmall.put("weightDecay", null);
        service.post(
                path("/analyses"),
                Fixtures.analysis(
                        0,
                        List.of(Fixtures.module(0, "k", 2.0, 0.0667), Fixtures.module(0, "up", 4.0, 0.5), tooSmall)));

        Api.Response overridden = operator.put(
                path("/decay-overrides"),
                Map.of("overrides", Map.of("model.layers.0.mlp.up_proj.weight", 0.05, "lm_head.weight", 0.0)));
        assertThat(overridden.status()).isEqualTo(200);

        JsonNode assignment = operator.get(path("/decay-assignment")).json();
        assertThat(assignment.get("step").asLong()).isZero();
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Double> decays = new LinkedHashMap<>();
        assignment.get("modules").forEach(m -> {
            sources.put(m.get("name").asString(), m.get("source").asString());
            decays.put(m.get("name").asString(), m.get("weightDecay").asDouble());
        });
        assertThat(decays)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "model.layers.0.self_attn.k_proj.weight",
                        0.0667,
                        "model.layers.0.mlp.up_proj.weight",
                        0.05,
                        "lm_head.weight",
                        0.0));
        assertThat(sources.get("model.layers.0.mlp.up_proj.weight")).isEqualTo("override");
        assertThat(sources.get("model.layers.0.self_attn.k_proj.weight")).isEqualTo("analysis");

        operator.put(path("/decay-overrides"), Map.of("overrides", Map.of()));
        JsonNode cleared = operator.get(path("/decay-assignment")).json();
        assertThat(cleared.get("modules")).hasSize(2);
    }

    @Test
    void uniformAndNoDecayRunsIgnoreAnalyses() {
        Map<String, Object> body = new LinkedHashMap<>(Fixtures.tinyRun(uniqueName("none")));
        body.put("decay", Map.of("policy", "none"));
        String none = operator.post("/api/v1/runs", body).json().get("id").asString();
        service.post(
                "/api/v1/runs/" + none + "/analyses", Fixtures.analysis(0, List.of(Fixtures.module(0, "k", 2.0, 0.1))));

        JsonNode assignment =
                operator.get("/api/v1/runs/" + none + "/decay-assignment").json();
        assertThat(assignment.get("defaultWeightDecay").asDouble()).isZero();
        assertThat(assignment.get("modules")).isEmpty();
    }

    @Test
    void rejectsBadAnalyses() {
        Map<String, Object> noAlpha = new LinkedHashMap<>(Fixtures.module(0, "k", 2.0, 0.1));
        noAlpha.remove("alpha");
        Api.Response missingAlpha = service.post(path("/analyses"), Fixtures.analysis(0, List.of(noAlpha)));
        assertThat(missingAlpha.status()).isEqualTo(400);
        assertThat(missingAlpha.json().at("/errors/0/field").asString()).isEqualTo("modules[0].alpha");

        Api.Response duplicate = service.post(
                path("/analyses"),
                Fixtures.analysis(0, List.of(Fixtures.module(0, "k", 2.0, 0.1), Fixtures.module(0, "k", 2.1, 0.1))));
        assertThat(duplicate.json().at("/errors/0/field").asString()).isEqualTo("modules[1].name");

        Map<String, Object> badType = new LinkedHashMap<>(Fixtures.module(0, "k", 2.0, 0.1));
        badType.put("type", "attention");
        assertThat(service.post(path("/analyses"), Fixtures.analysis(0, List.of(badType)))
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("modules[0].type");

        Map<String, Object> badEstimator = new LinkedHashMap<>(Fixtures.analysis(0, List.of()));
        badEstimator.put("estimator", "hill");
        assertThat(service.post(path("/analyses"), badEstimator)
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("estimator");

        Map<String, Object> negativeDecay = new LinkedHashMap<>(Fixtures.module(0, "k", 2.0, -0.1));
        assertThat(service.post(path("/analyses"), Fixtures.analysis(0, List.of(negativeDecay)))
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("modules[0].weightDecay");

        assertThat(operator.get(path("/analyses")).json().get("analyses")).isEmpty();
        assertThat(service.post(
                                "/api/v1/runs/" + java.util.UUID.randomUUID() + "/analyses",
                                Fixtures.analysis(0, List.of()))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void rejectsBadOverridesAndCheckpoints() {
        Api.Response negative = operator.put(
                path("/decay-overrides"), Map.of("overrides", Map.of("model.layers.0.mlp.up_proj.weight", -1)));
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().at("/errors/0/field").asString())
                .isEqualTo("overrides.model.layers.0.mlp.up_proj.weight");
        assertThat(operator.put(path("/decay-overrides"), Map.of("overrides", Map.of("bad name!", 0.1)))
                        .status())
                .isEqualTo(400);
        assertThat(operator.put(path("/decay-overrides"), Map.of())
                        .json()
                        .at("/errors/0/field")
                        .asString())
                .isEqualTo("overrides");

        Api.Response badSha =
                service.post(path("/checkpoints"), Map.of("step", 1, "uri", "x", "bytes", 1, "sha256", "xyz"));
        assertThat(badSha.json().at("/errors/0/field").asString()).isEqualTo("sha256");
        Api.Response noUri = service.post(path("/checkpoints"), Map.of("step", 1, "bytes", 1, "sha256", SHA));
        assertThat(noUri.json().at("/errors/0/field").asString()).isEqualTo("uri");
        assertThat(operator.get("/api/v1/runs/" + java.util.UUID.randomUUID() + "/checkpoints")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void reRegisteringACheckpointStepReplacesIt() {
        service.post(path("/checkpoints"), Map.of("step", 10, "uri", "file:///a", "bytes", 1, "sha256", SHA));
        service.post(path("/checkpoints"), Map.of("step", 20, "uri", "file:///b", "bytes", 2, "sha256", SHA));
        service.post(
                path("/checkpoints"), Map.of("step", 10, "uri", "file:///c", "bytes", 3, "sha256", "b".repeat(64)));

        JsonNode checkpoints = operator.get(path("/checkpoints")).json().get("checkpoints");
        assertThat(checkpoints).extracting(c -> c.get("step").asLong()).containsExactly(10L, 20L);
        assertThat(checkpoints.get(0).get("uri").asString()).isEqualTo("file:///c");
    }

    private String path(String suffix) {
        return "/api/v1/runs/" + run + suffix;
    }
}
