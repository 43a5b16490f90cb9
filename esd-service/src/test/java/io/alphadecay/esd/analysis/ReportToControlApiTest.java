package io.alphadecay.esd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.alphadecay.esd.support.EsdHttp;
import io.alphadecay.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The esd-service reports to a real control-api over HTTP, and the decay assignment there follows. */
class ReportToControlApiTest extends EsdHttp {

    private static ServiceProcess controlApi;

    @DynamicPropertySource
    static void controlApi(DynamicPropertyRegistry registry) {
        registry.add("alphadecay.home", EsdHttp::home);
        registry.add("alphadecay.control-api-url", () -> started().url().toString());
        registry.add("alphadecay.auth.service-token", () -> ServiceProcess.SERVICE_TOKEN);
        registry.add("alphadecay.auth.operator-token", () -> ServiceProcess.OPERATOR_TOKEN);
    }

    private static synchronized ServiceProcess started() {
        if (controlApi == null) {
            controlApi = ServiceProcess.start();
        }
        return controlApi;
    }

    @AfterAll
    static void stop() {
        if (controlApi != null) {
            controlApi.close();
        }
    }

    @Test
    void anAnalysisWithARunIdIsStoredAndDrivesTheDecayAssignment() throws Exception {
        String runId = controlApi(
                        "POST", "/api/v1/runs", "{\"name\": \"esd-e2e\", \"preset\": \"tiny\", \"steps\": 10}")
                .get("id")
                .asString();

        Response analysed = post("?runId=" + runId, golden(), ServiceProcess.SERVICE_TOKEN);

        assertThat(analysed.status()).as(analysed.body()).isEqualTo(200);
        assertThat(analysed.json().at("/report/status").asString()).isEqualTo("reported");
        JsonNode latest = controlApi("GET", "/api/v1/runs/" + runId + "/analyses/latest", null);
        assertThat(latest.get("step").asLong()).isEqualTo(500);
        assertThat(latest.at("/summary/ok").asInt()).isEqualTo(5);
        JsonNode assignment = controlApi("GET", "/api/v1/runs/" + runId + "/decay-assignment", null);
        assertThat(assignment.get("modules")).hasSize(5);
        analysed.json().get("modules").forEach(module -> {
            if (module.get("status").asString().equals("ok")) {
                JsonNode stored =
                        find(assignment.get("modules"), module.get("name").asString());
                assertThat(stored.get("weightDecay").asDouble())
                        .isEqualTo(module.get("weightDecay").asDouble());
            }
        });
    }

    @Test
    void anUnknownRunIsRejectedOnceAndTheCallerStillGetsTheResult() {
        Response analysed = post("?runId=00000000-0000-0000-0000-000000000000", golden(), ServiceProcess.SERVICE_TOKEN);

        assertThat(analysed.status()).isEqualTo(200);
        assertThat(analysed.json().at("/report/status").asString()).isEqualTo("failed");
        assertThat(analysed.json().at("/report/attempts").asInt()).isEqualTo(1);
        assertThat(analysed.json().get("modules")).hasSize(6);
    }

    private static JsonNode find(JsonNode modules, String name) {
        for (JsonNode module : modules) {
            if (module.get("name").asString().equals(name)) {
                return module;
            }
        }
        throw new AssertionError(name + " not in the assignment");
    }

    private static JsonNode controlApi(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(controlApi.url().resolve(path))
                .header("Authorization", "Bearer " + ServiceProcess.OPERATOR_TOKEN)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        return JSON.readTree(response.body());
    }
}
