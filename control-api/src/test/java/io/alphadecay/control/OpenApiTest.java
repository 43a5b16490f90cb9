package io.alphadecay.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.alphadecay.control.support.ApiTestBase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OpenApiTest extends ApiTestBase {

    @Test
    void describesEveryEndpoint() {
        JsonNode doc = operator.get("/v3/api-docs").json();

        assertThat(doc.get("openapi").asString()).startsWith("3.");
        JsonNode paths = doc.get("paths");
        for (String path : new String[] {
            "/api/v1/runs",
            "/api/v1/runs/{id}",
            "/api/v1/runs/{id}/cancel",
            "/api/v1/runs/{id}/events",
            "/api/v1/runs:claim",
            "/api/v1/runs/{id}/heartbeat",
            "/api/v1/runs/{id}/state",
            "/api/v1/runs/{id}/metrics",
            "/api/v1/runs/{id}/checkpoints",
            "/api/v1/runs/{id}/analyses",
            "/api/v1/runs/{id}/analyses/latest",
            "/api/v1/runs/{id}/decay-assignment",
            "/api/v1/runs/{id}/decay-overrides",
            "/api/v1/reports/compare",
            "/api/v1/reports/compare.png"
        }) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString())
                .isEqualTo("bearer");
        // The read's handler returns bytes it keeps cached; the document still gives the answer's shape.
        assertThat(doc.at(
                                "/paths/~1api~1v1~1runs~1{id}~1metrics/get/responses/200/content/application~1json/schema/$ref")
                        .asString())
                .endsWith("/MetricBatch");
        assertThat(doc.at("/components/schemas/MetricBatch/properties/points/type")
                        .asString())
                .isEqualTo("array");
    }
}
