package io.alphadecay.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "alphadecay.auth.operator-token=trainer-operator-token-0123",
            "alphadecay.auth.service-token=trainer-service-token-0123",
            "alphadecay.worker.enabled=false"
        })
class TrainerServiceApplicationTest {

    @LocalServerPort
    int port;

    @Test
    void healthIsOpenAndMetricsNeedAToken() throws Exception {
        assertThat(get("/actuator/health", null).body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        HttpResponse<String> scrape = get("/actuator/prometheus", "trainer-service-token-0123");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("jvm_memory_used_bytes{application=\"trainer-service\"");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
