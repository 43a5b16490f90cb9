package io.alphadecay.control.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.Test;

/** Authentication, roles and request limits, as a client sees them. */
class SecurityApiTest extends ApiTestBase {

    @Test
    void onlyHealthIsOpen() {
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);

        for (String path : new String[] {"/api/v1/runs", "/actuator/prometheus", "/v3/api-docs", "/actuator/info"}) {
            Api.Response response = anonymous.get(path);
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.problemType()).isEqualTo("urn:alphadecay:problem:unauthenticated");
            assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
        }
    }

    @Test
    void theDashboardsFilesAreOpenAndNothingElseIs() {
        for (String path : new String[] {
            "/",
            "/index.html",
            "/app.js",
            "/charts.js",
            "/app.css",
            "/webjars/uplot/dist/uPlot.esm.js",
            "/webjars/uplot/dist/uPlot.min.css"
        }) {
            Api.Response response = anonymous.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.raw().body()).as(path).isNotBlank();
        }
        Api.Response page = anonymous.get("/");
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.raw().body()).contains("<script type=\"module\" src=\"app.js\"></script>");
        String policy = page.header("Content-Security-Policy");
        assertThat(policy)
                .contains(
                        "default-src 'self'",
                        "script-src 'self';",
                        "img-src 'self' data: blob:",
                        "object-src 'none'",
                        "frame-ancestors 'none'");
        assertThat(policy).doesNotContain("unsafe-eval").doesNotContainPattern("script-src[^;]*unsafe-inline");
        assertThat(anonymous.get("/index.html").header("Content-Security-Policy"))
                .isEqualTo(policy);

        // Other static-looking paths and the API stay closed.
        for (String path : new String[] {
            "/other.js",
            "/webjars/swagger-ui/index.html",
            "/api/v1/runs",
            "/api/v1/runs/" + java.util.UUID.randomUUID() + "/metrics"
        }) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(401);
        }
        assertThat(anonymous.post("/api/v1/runs", Fixtures.tinyRun("anonymous")).status())
                .isEqualTo(401);
    }

    @Test
    void aWrongTokenIsRejected() {
        Api wrong = new Api(port, "not-the-token-0123456789");
        assertThat(wrong.get("/api/v1/runs").status()).isEqualTo(401);

        Api.Response basic = anonymous.send(
                anonymous.request("/api/v1/runs").GET().header("Authorization", "Basic b3BlcmF0b3I6eA=="));
        assertThat(basic.status()).isEqualTo(401);

        Api.Response prefixOnly = anonymous.send(anonymous
                .request("/api/v1/runs")
                .GET()
                .header("Authorization", "Bearer " + OPERATOR_TOKEN.substring(0, 10)));
        assertThat(prefixOnly.status()).isEqualTo(401);
    }

    @Test
    void operatorsCannotActAsWorkers() {
        String id = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("roles")))
                .json()
                .get("id")
                .asString();

        for (String path : new String[] {
            "/api/v1/runs:claim",
            "/api/v1/runs/" + id + "/heartbeat",
            "/api/v1/runs/" + id + "/state",
            "/api/v1/runs/" + id + "/metrics",
            "/api/v1/runs/" + id + "/checkpoints",
            "/api/v1/runs/" + id + "/analyses"
        }) {
            Api.Response response = operator.post(path, Map.of());
            assertThat(response.status()).as(path).isEqualTo(403);
            assertThat(response.problemType()).isEqualTo("urn:alphadecay:problem:forbidden");
        }
    }

    @Test
    void servicesCannotActAsOperators() {
        String id = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("roles")))
                .json()
                .get("id")
                .asString();

        assertThat(service.post("/api/v1/runs", Fixtures.tinyRun("x")).status()).isEqualTo(403);
        assertThat(service.post("/api/v1/runs/" + id + "/cancel", null).status())
                .isEqualTo(403);
        assertThat(service.put("/api/v1/runs/" + id + "/decay-overrides", Map.of("overrides", Map.of()))
                        .status())
                .isEqualTo(403);
        assertThat(operator.get("/api/v1/runs/" + id).json().get("state").asString())
                .isEqualTo("QUEUED");
    }

    @Test
    void bothRolesCanRead() {
        String id = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("read")))
                .json()
                .get("id")
                .asString();
        assertThat(service.get("/api/v1/runs/" + id).status()).isEqualTo(200);
        assertThat(service.get("/api/v1/runs/" + id + "/decay-assignment").status())
                .isEqualTo(200);
        assertThat(operator.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(service.get("/actuator/prometheus").status()).isEqualTo(200);
    }

    @Test
    void oversizedBodiesAreRefusedDeclaredOrChunked() {
        String id = operator.post("/api/v1/runs", Fixtures.tinyRun(uniqueName("size")))
                .json()
                .get("id")
                .asString();
        String huge = "{\"points\":[" + "{\"name\":\"train_loss\",\"step\":1,\"value\":1.0},".repeat(120_000) + "]}";

        Api.Response declared = service.post("/api/v1/runs/" + id + "/metrics", huge);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.problemType()).isEqualTo("urn:alphadecay:problem:payload-too-large");

        byte[] bytes = huge.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // A publisher of unknown length makes the client send the body chunked, with no Content-Length.
        HttpRequest.BodyPublisher chunked =
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes));
        Api.Response streamed = service.send(service.request("/api/v1/runs/" + id + "/metrics")
                .header("Content-Type", "application/json")
                .POST(chunked));
        assertThat(streamed.status()).isEqualTo(413);
        assertThat(operator.get("/api/v1/runs/" + id + "/metrics").json().get("points"))
                .isEmpty();
    }

    @Test
    void unsupportedMediaTypesAreProblems() {
        Api.Response response = operator.send(operator.request("/api/v1/runs")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=x")));
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.problemType()).isEqualTo("urn:alphadecay:problem:unsupported-media-type");
    }
}
