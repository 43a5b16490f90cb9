package io.alphadecay.esd.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.alphadecay.esd.support.CheckpointBuilder;
import io.alphadecay.esd.support.EsdTestBase;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AnalysisApiTest extends EsdTestBase {

    @Test
    void matchesTheIndependentImplementationOnTheGoldenCheckpoint() {
        Response response = post("", golden());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode result = response.json();
        JsonNode expected = goldenExpected();
        assertThat(result.get("runId").asString()).isEqualTo("golden");
        assertThat(result.get("step").asLong()).isEqualTo(500);
        assertThat(result.get("estimator").asString()).isEqualTo("median-hill");
        Map<String, JsonNode> modules = byName(result.get("modules"));
        expected.get("modules").properties().forEach(entry -> {
            JsonNode module = modules.get(entry.getKey());
            JsonNode want = entry.getValue();
            assertThat(module).as(entry.getKey()).isNotNull();
            assertThat(module.get("status").asString()).isEqualTo("ok");
            assertThat(module.get("numEigs").asInt()).isEqualTo(want.get("n").asInt());
            assertThat(module.get("alpha").asDouble())
                    .as(entry.getKey() + " alpha")
                    .isCloseTo(want.get("alpha_hill").asDouble(), Percentage.withPercentage(1e-4));
            assertThat(module.get("weightDecay").asDouble())
                    .as(entry.getKey() + " decay")
                    .isCloseTo(want.get("weight_decay").asDouble(), Percentage.withPercentage(1e-4));
            assertThat(module.get("lambdaMax").asDouble())
                    .isCloseTo(want.get("lambda_max").asDouble(), Percentage.withPercentage(1e-4));
            double lambdaMax = module.get("lambdaMax").asDouble();
            assertThat(module.get("logSpectralNorm").asDouble()).isCloseTo(Math.log10(lambdaMax), within(1e-12));
            assertThat(module.get("alphaWeighted").asDouble())
                    .isCloseTo(module.get("alpha").asDouble() * Math.log10(lambdaMax), within(1e-9));
            assertThat(module.get("stableRank").asDouble())
                    .isBetween(1.0, (double) want.get("n").asInt());
        });
        JsonNode oProj = modules.get("model.layers.0.self_attn.o_proj.weight");
        assertThat(oProj.get("status").asString()).isEqualTo("too-small");
        assertThat(oProj.get("weightDecay").isNull()).isTrue();
        assertThat(modules.get("model.layers.1.self_attn.k_proj.weight")
                        .get("layer")
                        .asInt())
                .isEqualTo(1);
        assertThat(modules.get("model.layers.0.mlp.up_proj.weight").get("type").asString())
                .isEqualTo("up");
        assertThat(result.get("skipped"))
                .extracting(s -> s.get("name").asString())
                .containsExactlyInAnyOrder(
                        "model.embed_tokens.weight",
                        "model.layers.0.self_attn.q_proj.weight",
                        "model.layers.1.input_layernorm.weight");
        assertThat(result.get("bytesReceived").asLong()).isEqualTo(golden().length);
        assertThat(result.at("/timings/totalMs").asDouble()).isPositive();
        assertThat(result.at("/report/status").asString()).isEqualTo("failed");
    }

    @Test
    void ksMleMatchesTheReferenceFit() {
        JsonNode result = post("?estimator=ks-mle&report=false", golden()).json();

        assertThat(result.get("estimator").asString()).isEqualTo("ks-mle");
        assertThat(result.at("/report/status").asString()).isEqualTo("skipped");
        Map<String, JsonNode> modules = byName(result.get("modules"));
        goldenExpected().get("modules").properties().forEach(entry -> {
            JsonNode module = modules.get(entry.getKey());
            JsonNode want = entry.getValue();
            assertThat(module.get("alpha").asDouble())
                    .as(entry.getKey())
                    .isCloseTo(want.get("alpha_ks").asDouble(), Percentage.withPercentage(1e-2));
            assertThat(module.get("xmin").asDouble())
                    .isCloseTo(want.get("ks_xmin").asDouble(), Percentage.withPercentage(1e-2));
            assertThat(module.get("ksDistance").asDouble())
                    .isCloseTo(want.get("ks_distance").asDouble(), Percentage.withPercentage(1e-2));
        });
    }

    @Test
    void queryParametersOverrideTheMetadata() {
        JsonNode result = post("?runId=other&step=7&policy=uniform&wd0=0.25&report=false", golden())
                .json();

        assertThat(result.get("runId").asString()).isEqualTo("other");
        assertThat(result.get("step").asLong()).isEqualTo(7);
        assertThat(result.get("modules"))
                .filteredOn(m -> m.get("status").asString().equals("ok"))
                .hasSize(5)
                .allSatisfy(m -> assertThat(m.get("weightDecay").asDouble()).isEqualTo(0.25));
    }

    @Test
    void aModuleFilterReplacesTheDefault() {
        JsonNode result =
                post("?include=.*k_proj.*&exclude=&report=false", golden()).json();

        assertThat(result.get("modules"))
                .extracting(m -> m.get("name").asString())
                .containsExactly("model.layers.0.self_attn.k_proj.weight", "model.layers.1.self_attn.k_proj.weight");
        JsonNode decays = result.get("modules");
        assertThat(decays.get(0).get("weightDecay").asDouble()).isEqualTo(0.5, within(1e-12));
        assertThat(decays.get(1).get("weightDecay").asDouble()).isEqualTo(0.06666, within(1e-12));
    }

    @Test
    void aMatrixHoldingNanIsInvalidAndLeftOutOfTheMapping() {
        float[] values = new float[64 * 64];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        values[100] = Float.NaN;
        byte[] file = new CheckpointBuilder()
                .metadata("step", "1")
                .f32("model.layers.1.self_attn.k_proj.weight", new long[] {64, 64}, values)
                .gaussian("model.layers.1.self_attn.v_proj.weight", 64, 64, 0.02, 1)
                .gaussian("model.layers.1.self_attn.o_proj.weight", 64, 64, 0.05, 2)
                .build();

        JsonNode modules = post("?report=false", file).json().get("modules");

        assertThat(modules.get(0).get("status").asString()).isEqualTo("invalid");
        assertThat(modules.get(0).get("weightDecay").isNull()).isTrue();
        assertThat(modules.get(1).get("status").asString()).isEqualTo("ok");
        assertThat(modules.get(1).get("weightDecay").asDouble()
                        + modules.get(2).get("weightDecay").asDouble())
                .isCloseTo(0.1 * (0.6666 + 5), within(1e-9));
    }

    @Test
    void badParametersAreProblemsNamingTheField() {
        assertField(post("?estimator=hill", golden()), 400, "estimator");
        assertField(post("?policy=none", golden()), 400, "policy");
        assertField(post("?s1=6&s2=5", golden()), 400, "s1");
        assertField(post("?wd0=-1", golden()), 400, "wd0");
        assertField(post("?include=(", golden()), 400, "include");
        assertField(post("?step=abc", golden()), 400, "step");

        byte[] badMetadata = new CheckpointBuilder()
                .metadata("step", "five")
                .gaussian("w", 4, 4, 1, 1)
                .build();
        assertField(post("", badMetadata), 400, "__metadata__.step");
    }

    @Test
    void malformedCheckpointsAreProblemsAndTheServiceStaysHealthy() {
        byte[] golden = golden();
        Response truncated = post("", java.util.Arrays.copyOf(golden, golden.length - 100));
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.json().get("type").asString()).isEqualTo("urn:alphadecay:problem:malformed-request");
        assertThat(truncated.json().get("detail").asString()).contains("ends inside tensor");

        byte[] trailing = java.util.Arrays.copyOf(golden, golden.length + 3);
        Response extra = post("", trailing);
        assertThat(extra.status()).isEqualTo(422);
        assertThat(extra.json().get("type").asString()).isEqualTo("urn:alphadecay:problem:unprocessable-checkpoint");

        byte[] badDtype = CheckpointBuilder.assemble(
                "{\"w\": {\"dtype\": \"X9\", \"shape\": [1], \"data_offsets\": [0, 4]}}"
                        .getBytes(StandardCharsets.UTF_8),
                new byte[4]);
        assertThat(post("", badDtype).json().get("detail").asString()).contains("unknown dtype");

        Response empty = post("", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);

        Response text = send(request("/api/v1/analyses", SERVICE_TOKEN)
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(text.status()).isEqualTo(415);

        assertThat(get("/actuator/health", null).body()).contains("\"UP\"");
    }

    @Test
    void onlyTheServiceTokenMayPostAnalyses() {
        assertThat(post("", golden(), null).status()).isEqualTo(401);
        assertThat(post("", golden(), "wrong-token-0123456789").status()).isEqualTo(401);
        Response operator = post("", golden(), OPERATOR_TOKEN);
        assertThat(operator.status()).isEqualTo(403);
        assertThat(operator.raw().headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        assertThat(get("/actuator/prometheus", null).status()).isEqualTo(401);
        assertThat(get("/actuator/health", null).status()).isEqualTo(200);
    }

    @Test
    void exposesAnalysisMetrics() {
        post("?report=false", golden());
        post("", new byte[] {1});

        String scrape = get("/actuator/prometheus", OPERATOR_TOKEN).body();

        assertThat(scrape)
                .contains(
                        "alphadecay_esd_analysis_duration_seconds_count",
                        "alphadecay_esd_analysis_duration_seconds_bucket",
                        "alphadecay_esd_bytes_received_bytes_total",
                        "alphadecay_esd_modules_analyzed_total{application=\"esd-service\",status=\"ok\"}",
                        "alphadecay_esd_failures_total{application=\"esd-service\",kind=\"truncated\"}",
                        "alphadecay_esd_analyses_in_flight");
    }

    private static void assertField(Response response, int status, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().at("/errors/0/field").asString()).isEqualTo(field);
    }

    private static Map<String, JsonNode> byName(JsonNode modules) {
        Map<String, JsonNode> byName = new HashMap<>();
        modules.forEach(m -> byName.put(m.get("name").asString(), m));
        return byName;
    }
}
