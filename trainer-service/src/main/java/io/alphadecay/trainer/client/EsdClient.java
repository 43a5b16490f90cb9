package io.alphadecay.trainer.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams weights to the esd-service: the safetensors bytes are written straight into the request body through
 * a pipe, tensor by tensor, so the serialised checkpoint never exists in memory as a whole.
 */
public final class EsdClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PIPE_BUFFER = 1 << 20;

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration timeout;

    public EsdClient(URI base, String serviceToken, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.token = serviceToken;
        this.timeout = timeout;
    }

    /** Writes the request body; called on a thread of its own while the request is sent. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The per-module decays the esd-service computed, and whether it reached the control-api. */
    public record Analysis(Map<String, Double> weightDecays, int modules, String reportStatus, double totalMs) {
    }

    /** An analysis the esd-service could not do, or could not be asked for; training goes on without it. */
    public static final class Failed extends Exception {

        public Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public Analysis analyze(Map<String, String> query, BodyWriter body) throws Failed {
        String queryString = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        PipedInputStream in = new PipedInputStream(PIPE_BUFFER);
        CompletableFuture<Void> writing;
        try {
            PipedOutputStream out = new PipedOutputStream(in);
            writing = CompletableFuture.runAsync(() -> {
                try (out) {
                    body.writeTo(out);
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (IOException ex) {
            throw new Failed("could not open the upload pipe", ex);
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/analyses?" + queryString)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> in)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new Failed("the esd-service answered " + response.statusCode() + ": " + response.body(), null);
            }
            writing.join();
            JsonNode result = JSON.readTree(response.body());
            Map<String, Double> decays = new HashMap<>();
            result.path("modules").forEach(m -> {
                if (m.path("weightDecay").isNumber()) {
                    decays.put(m.get("name").asString(), m.get("weightDecay").asDouble());
                }
            });
            return new Analysis(Map.copyOf(decays), result.path("modules").size(), result.at("/report/status").asString(),
                    result.at("/timings/totalMs").asDouble());
        }
        catch (IOException ex) {
            throw new Failed("the esd-service is unreachable: " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted", ex);
        }
        catch (RuntimeException ex) {
            throw new Failed("writing the weights failed: " + ex.getMessage(), ex);
        }
        finally {
            try {
                in.close(); // unblocks the writer if the request ended early
            }
            catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
