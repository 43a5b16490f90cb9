package io.alphadecay.api.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import io.alphadecay.api.analysis.AnalysisResult;

/**
 * Streams weights to the esd-service: the safetensors bytes are written straight into the request body through a
 * pipe, tensor by tensor, so the serialised checkpoint never exists in memory as a whole. A busy esd-service (every
 * replica bounds its concurrent analyses and answers 429 with Retry-After) is asked again under the client's
 * {@link RetryPolicy}, so trainers sharing a few replicas queue instead of losing analyses; the body writer is
 * called once per attempt.
 */
public final class EsdClient {

    private static final int PIPE_BUFFER = 1 << 20;
    /** Writers block on the pipe for as long as an upload lasts: never on the common pool, which may have one thread. */
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "esd-upload-writer");
        thread.setDaemon(true);
        return thread;
    });

    private final ServiceHttp http;

    /**
     * @param timeout how long one analysis may take, upload included
     * @param retry   how often a busy or unreachable esd-service is asked again before the analysis is given up
     */
    public EsdClient(URI base, String serviceToken, Duration timeout, RetryPolicy retry) {
        this.http = new ServiceHttp(
                "the esd-service", base, serviceToken, Duration.ofSeconds(5), timeout, retry, RetryListener.SILENT);
    }

    /** Five attempts, pausing as the esd-service's Retry-After says, at most 30 s. */
    public static RetryPolicy defaultRetry() {
        return RetryPolicy.attempts(5, Duration.ofSeconds(1));
    }

    /** Writes the request body; called on a thread of its own while the request is sent. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Sends one checkpoint for analysis, with {@code query} as the request's parameters. */
    public AnalysisResult analyze(Map<String, String> query, BodyWriter body) throws ApiCallException {
        String path = "/api/v1/analyses"
                + (query.isEmpty()
                        ? ""
                        : "?"
                                + query.entrySet().stream()
                                        .map(e -> e.getKey() + "="
                                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                                        .collect(Collectors.joining("&")));
        return http.retrying("POST /api/v1/analyses", () -> attempt(path, body));
    }

    private AnalysisResult attempt(String path, BodyWriter body) throws ApiCallException {
        PipedInputStream in = new PipedInputStream(PIPE_BUFFER);
        CompletableFuture<Void> writing;
        try {
            PipedOutputStream out = new PipedOutputStream(in);
            writing = CompletableFuture.runAsync(
                    () -> {
                        try (out) {
                            body.writeTo(out);
                        } catch (IOException ex) {
                            throw new UncheckedIOException(ex);
                        }
                    },
                    WRITERS);
        } catch (IOException ex) {
            throw new UncheckedIOException("could not open the upload pipe", ex);
        }
        var call = new ServiceHttp.Call(
                "POST",
                path,
                HttpRequest.BodyPublishers.ofInputStream(() -> in),
                "application/octet-stream",
                "application/json",
                null);
        try {
            HttpResponse<byte[]> response = http.sendOnce(call);
            try {
                writing.join();
            } catch (CompletionException ex) {
                throw new IllegalStateException(
                        "writing the weights failed: " + ex.getCause().getMessage(), ex.getCause());
            }
            return http.parse(call, response.body(), AnalysisResult.class);
        } finally {
            try {
                in.close(); // unblocks the writer if the request ended early
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
