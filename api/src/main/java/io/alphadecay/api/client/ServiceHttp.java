package io.alphadecay.api.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.alphadecay.api.problem.Problem;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one HTTP path to our services: the bearer token, JSON both ways, answers sorted into success,
 * {@link Unavailable} (unreachable, 5xx, 429) and {@link Refused} (4xx, with its problem+json), and the
 * {@link RetryPolicy} applied by Resilience4j's retry.
 */
final class ServiceHttp {

    // Newer services may add fields; an older client must still read their answers.
    static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final String service;
    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final RetryListener listener;

    ServiceHttp(
            String service,
            URI base,
            String token,
            Duration connectTimeout,
            Duration requestTimeout,
            RetryPolicy retry,
            RetryListener listener) {
        this(
                service,
                HttpClient.newBuilder().connectTimeout(connectTimeout).build(),
                base,
                token,
                requestTimeout,
                retry,
                listener);
    }

    private ServiceHttp(
            String service,
            HttpClient http,
            URI base,
            String token,
            Duration requestTimeout,
            RetryPolicy retry,
            RetryListener listener) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a bearer token is needed to call " + service);
        }
        this.service = service;
        this.http = http;
        this.base = base;
        this.token = token;
        this.requestTimeout = requestTimeout;
        this.retry = retry;
        this.listener = listener;
    }

    /** The same connection pool and token under another retry policy. */
    ServiceHttp with(RetryPolicy other) {
        return new ServiceHttp(service, http, base, token, requestTimeout, other, listener);
    }

    URI base() {
        return base;
    }

    /** One request: what to send, and which media type to ask for. */
    record Call(
            String method,
            String path,
            HttpRequest.BodyPublisher body,
            String contentType,
            String accept,
            String idempotencyKey) {

        static Call get(String path) {
            return new Call("GET", path, null, null, "application/json", null);
        }

        static Call json(String method, String path, Object body) {
            return new Call(
                    method,
                    path,
                    body == null ? null : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)),
                    body == null ? null : "application/json",
                    "application/json",
                    null);
        }

        Call accepting(String mediaType) {
            return new Call(method, path, body, contentType, mediaType, idempotencyKey);
        }

        Call withIdempotencyKey(String key) {
            return new Call(method, path, body, contentType, accept, key);
        }

        /** The method and path without the query: what messages and logs name. */
        String name() {
            int query = path.indexOf('?');
            return method + " " + (query < 0 ? path : path.substring(0, query));
        }
    }

    /** Sends the call under this client's retry policy and returns the successful answer. */
    HttpResponse<byte[]> send(Call call) throws ApiCallException {
        return retrying(call.name(), () -> sendOnce(call));
    }

    /** Sends the call and reads its JSON answer as {@code type}. */
    <T> T read(Call call, Class<T> type) throws ApiCallException {
        return parse(call, send(call).body(), type);
    }

    <T> T parse(Call call, byte[] body, Class<T> type) throws Unavailable {
        try {
            return JSON.readValue(body, type);
        } catch (JacksonException ex) {
            // A proxy's error page or a half-written answer: not something to act on, and maybe better later.
            throw new Unavailable(call.name() + ": " + service + " answered with something that is not the "
                    + "expected JSON (" + ex.getOriginalMessage() + ")");
        }
    }

    /** One attempt, without retries. */
    HttpResponse<byte[]> sendOnce(Call call) throws ApiCallException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(call.path()))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody() : call.body());
        if (call.contentType() != null) {
            request.header("Content-Type", call.contentType());
        }
        if (call.accept() != null) {
            request.header("Accept", call.accept() + ", application/problem+json");
        }
        if (call.idempotencyKey() != null) {
            request.header("Idempotency-Key", call.idempotencyKey());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException ex) {
            throw new Unavailable(call.name() + ": " + service + " is unreachable (" + describe(ex) + ")");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Unavailable(call.name() + ": interrupted");
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response;
        }
        if (status == 429 || status >= 500) {
            throw new Unavailable(call.name() + ": " + service + " answered " + status, retryAfter(response));
        }
        Problem problem = problem(response.body());
        String detail = problem != null && problem.detail() != null ? problem.detail() : abbreviate(response.body());
        throw new Refused(call.name() + ": " + service + " refused it with " + status + ": " + detail, status, problem);
    }

    /** Runs {@code attempt} under the retry policy: only {@link Unavailable} is retried, never after an interrupt. */
    <T> T retrying(String name, CheckedSupplier<T> attempt) throws ApiCallException {
        if (retry.maxAttempts() == 1) {
            return unwrap(attempt);
        }
        long deadline = retry.maxElapsed() == null
                ? Long.MAX_VALUE
                : System.nanoTime() + retry.maxElapsed().toNanos();
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Duration> lastPause = new AtomicReference<>(Duration.ZERO);
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(retry.maxAttempts())
                .retryOnException(ex -> ex instanceof Unavailable
                        && !Thread.currentThread().isInterrupted()
                        && System.nanoTime() < deadline)
                .intervalBiFunction((failed, outcome) -> {
                    Duration pause = retry.pause(
                            failed, outcome.isLeft() && outcome.getLeft() instanceof Unavailable u ? u : null);
                    long left = deadline - System.nanoTime();
                    if (left < pause.toNanos()) {
                        pause = Duration.ofNanos(Math.max(0, left));
                    }
                    lastPause.set(pause);
                    return pause.toMillis();
                })
                .writableStackTraceEnabled(false)
                .build();
        Retry policy = Retry.of(name, config);
        policy.getEventPublisher()
                .onRetry(event ->
                        listener.retrying(name, event.getNumberOfRetryAttempts(), lastPause.get(), (Unavailable)
                                event.getLastThrowable()));
        CheckedSupplier<T> counted = () -> {
            attempts.incrementAndGet();
            return attempt.get();
        };
        try {
            return unwrap(Retry.decorateCheckedSupplier(policy, counted));
        } catch (Unavailable ex) {
            if (attempts.get() <= 1) {
                throw ex;
            }
            throw new Unavailable(
                    ex.getMessage() + "; gave up after " + attempts.get() + " attempts",
                    ex.retryAfter().orElse(null));
        }
    }

    private static <T> T unwrap(CheckedSupplier<T> supplier) throws ApiCallException {
        try {
            return supplier.get();
        } catch (ApiCallException | RuntimeException | Error ex) {
            throw ex;
        } catch (Throwable ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Problem problem(byte[] body) {
        try {
            Problem problem = JSON.readValue(body, Problem.class);
            return problem.type() == null && problem.detail() == null ? null : problem;
        } catch (JacksonException ex) {
            return null; // not problem+json: the caller shows the body itself
        }
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(value.trim())));
        } catch (NumberFormatException ex) {
            return Duration.ofSeconds(1); // an HTTP date, or nonsense: a short pause is always safe
        }
    }

    private static String describe(IOException ex) {
        return ex.getMessage() == null
                ? ex.getClass().getSimpleName()
                : ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }

    private static String abbreviate(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
