package io.alphadecay.trainer.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.alphadecay.api.run.RunConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker side of the control-api, with the service token. Transport failures and 5xx answers surface as
 * {@link Unavailable} so the caller can keep training and retry; a lost lease as {@link LeaseLost}.
 */
public final class ControlApiClient {

    // Newer control-apis may add fields; a trainer must still read their runs.
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final HttpClient http;
    private final URI base;
    private final String token;

    public ControlApiClient(URI base, String serviceToken) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.token = serviceToken;
    }

    /** A run as a worker needs it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Run(UUID id, String name, String state, RunConfig config, int attempt, Progress progress) {

        public boolean cancelRequested() {
            return "CANCEL_REQUESTED".equals(state);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Progress(long step, long totalSteps, long tokensSeen) {
    }

    public record Point(String name, long step, double value) {
    }

    /** The decays to use now; parameters not listed use {@code defaultWeightDecay}. */
    public record DecayAssignment(String policy, double defaultWeightDecay, Long analysisId, Long step,
            Map<String, Double> modules) {
    }

    /** The control-api cannot be reached or failed; the call may succeed later. */
    public static final class Unavailable extends Exception {

        public Unavailable(String message) {
            super(message);
        }
    }

    /** Another worker holds the run now (our lease expired and it was reclaimed) or the run ended. */
    public static final class LeaseLost extends Exception {

        public LeaseLost(String message) {
            super(message);
        }
    }

    public Optional<Run> claim(String workerId, Map<String, String> provenance) throws Unavailable {
        HttpResponse<String> response = send("POST", "/api/v1/runs:claim",
                Map.of("workerId", workerId, "provenance", provenance));
        if (response.statusCode() == 204) {
            return Optional.empty();
        }
        return Optional.of(read(expectOk(response), Run.class));
    }

    public Run heartbeat(UUID run, String workerId, long step, long tokensSeen, Double etaSeconds)
            throws Unavailable, LeaseLost {
        Map<String, Object> body = new HashMap<>();
        body.put("workerId", workerId);
        body.put("step", step);
        body.put("tokensSeen", tokensSeen);
        if (etaSeconds != null && Double.isFinite(etaSeconds)) {
            body.put("etaSeconds", Math.max(0, etaSeconds));
        }
        return read(expectHeld(send("POST", "/api/v1/runs/" + run + "/heartbeat", body)), Run.class);
    }

    public void reportState(UUID run, String workerId, String state, String reason, long step)
            throws Unavailable, LeaseLost {
        Map<String, Object> body = new HashMap<>();
        body.put("workerId", workerId);
        body.put("state", state);
        body.put("step", step);
        if (reason != null) {
            body.put("reason", reason.length() > 4000 ? reason.substring(0, 4000) : reason);
        }
        expectHeld(send("POST", "/api/v1/runs/" + run + "/state", body));
    }

    public void postMetrics(UUID run, List<Point> points) throws Unavailable {
        expectOk(send("POST", "/api/v1/runs/" + run + "/metrics", Map.of("points", points)));
    }

    public void registerCheckpoint(UUID run, long step, URI uri, long bytes, String sha256) throws Unavailable {
        expectOk(send("POST", "/api/v1/runs/" + run + "/checkpoints",
                Map.of("step", step, "uri", uri.toString(), "bytes", bytes, "sha256", sha256)));
    }

    public void event(UUID run, String type, String message) throws Unavailable {
        expectOk(send("POST", "/api/v1/runs/" + run + "/events", Map.of("type", type, "message",
                message.length() > 4000 ? message.substring(0, 4000) : message)));
    }

    public DecayAssignment decayAssignment(UUID run) throws Unavailable {
        JsonNode node = JSON.readTree(expectOk(send("GET", "/api/v1/runs/" + run + "/decay-assignment", null)).body());
        Map<String, Double> modules = new HashMap<>();
        node.path("modules").forEach(m -> modules.put(m.get("name").asString(), m.get("weightDecay").asDouble()));
        return new DecayAssignment(node.path("policy").asString(), node.path("defaultWeightDecay").asDouble(),
                node.path("analysisId").isNull() ? null : node.path("analysisId").asLong(),
                node.path("step").isNull() ? null : node.path("step").asLong(), Map.copyOf(modules));
    }

    private HttpResponse<String> send(String method, String path, Object body) throws Unavailable {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                throw new Unavailable(method + " " + path + ": the control-api answered " + response.statusCode());
            }
            return response;
        }
        catch (IOException ex) {
            throw new Unavailable(method + " " + path + ": the control-api is unreachable (" + ex.getMessage() + ")");
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Unavailable(method + " " + path + ": interrupted");
        }
    }

    private static HttpResponse<String> expectOk(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            // A 4xx is a bug on our side or a deleted run: retrying will not help, so it is not "unavailable".
            throw new IllegalStateException(response.request().method() + " " + response.request().uri().getPath()
                    + ": the control-api refused it with " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    private static HttpResponse<String> expectHeld(HttpResponse<String> response) throws LeaseLost {
        if (response.statusCode() == 409 || response.statusCode() == 404) {
            throw new LeaseLost(response.body());
        }
        return expectOk(response);
    }

    private static <T> T read(HttpResponse<String> response, Class<T> type) {
        return JSON.readValue(response.body(), type);
    }
}
