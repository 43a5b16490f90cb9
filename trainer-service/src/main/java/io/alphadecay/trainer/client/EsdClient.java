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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    /** Writers block on the pipe for as long as an upload lasts: never on the common pool, which may have one thread. */
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "esd-upload-writer");
        thread.setDaemon(true);
        return thread;
    });

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration maxWait;

    public EsdClient(URI base, String serviceToken, Duration timeout) {
        this(base, serviceToken, timeout, 5, Duration.ofSeconds(30));
    }

    /**
     * @param maxAttempts how many times a busy esd-service (429 or 503) is asked before the analysis is given up
     * @param maxWait     the longest pause between attempts, whatever {@code Retry-After} says
     */
    public EsdClient(URI base, String serviceToken, Duration timeout, int maxAttempts, Duration maxWait) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.token = serviceToken;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.maxWait = maxWait;
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

    /**
     * Sends one checkpoint. A busy esd-service (every replica bounds its concurrent analyses) is asked again after
     * its {@code Retry-After}, so trainers sharing a few esd replicas queue instead of losing analyses; the body
     * writer is called once per attempt.
     */
    public Analysis analyze(Map<String, String> query, BodyWriter body) throws Failed {
        String queryString = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        for (int attempt = 1;; attempt++) {
            try {
                return attempt(queryString, body);
            }
            catch (Busy busy) {
                if (attempt >= maxAttempts) {
                    throw new Failed("the esd-service stayed busy after " + attempt + " attempts: " + busy.getMessage(),
                            null);
                }
                try {
                    Thread.sleep(Math.min(busy.retryAfter.toMillis(), maxWait.toMillis()));
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new Failed("interrupted", ex);
                }
            }
        }
    }

    /** A 429 or 503: worth asking again later. */
    private static final class Busy extends Exception {

        private final Duration retryAfter;

        Busy(String message, Duration retryAfter) {
            super(message, null, false, false);
            this.retryAfter = retryAfter;
        }
    }

    private Analysis attempt(String queryString, BodyWriter body) throws Failed, Busy {
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
            }, WRITERS);
        }
        catch (IOException ex) {
            throw new Failed("could not open the upload pipe", ex);
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/analyses?" + queryString)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> in)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 429 || response.statusCode() == 503) {
                throw new Busy("answered " + response.statusCode(), retryAfter(response));
            }
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

    private static Duration retryAfter(HttpResponse<?> response) {
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(response.headers().firstValue("Retry-After")
                    .orElse("1").trim())));
        }
        catch (NumberFormatException ex) {
            return Duration.ofSeconds(1); // an HTTP date, or nonsense: a short pause is always safe
        }
    }
}
