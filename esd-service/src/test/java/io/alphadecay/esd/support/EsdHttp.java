package io.alphadecay.esd.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The whole esd-service over real HTTP; subclasses say where reports go and which tokens hold. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class EsdHttp {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    /** A fresh ALPHADECAY_HOME for one application context. */
    protected static String home() {
        try {
            return Files.createTempDirectory("esd-test-home").toString();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public record Response(int status, String body, HttpResponse<String> raw) {

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    protected Response post(String query, byte[] body, String token) {
        return send(request("/api/v1/analyses" + query, token)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    protected Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    protected HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    protected Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    protected static byte[] golden() {
        try {
            return Files.readAllBytes(CheckpointBuilder.golden("golden-small.safetensors"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    protected static JsonNode goldenExpected() {
        Path path = CheckpointBuilder.golden("golden-small.expected.json");
        try {
            return JSON.readTree(Files.readString(path));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
