package io.alphadecay.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.alphadecay.api.run.RunState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's sorting of answers and its retry policy, against a scripted HTTP server (the control-api itself is
 * exercised by the services' and the CLI's integration tests).
 */
class ControlApiClientTest {

    private static final String TOKEN = "client-test-token-0123456789";
    private static final UUID RUN = UUID.fromString("00000000-0000-0000-0000-00000000000a");

    private record Answer(int status, String contentType, String body, Map<String, String> headers) {}

    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<String> seen = new ArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + exchange.getRequestHeaders().getFirst("Authorization"));
        exchange.getRequestBody().readAllBytes();
        Answer answer = script.poll();
        if (answer == null) {
            answer = new Answer(500, "text/plain", "nothing scripted", Map.of());
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private ControlApiClient client(RetryPolicy retry, List<String> retries) {
        return ControlApiClient.builder(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), TOKEN)
                .optRetry(retry)
                .optRetryListener((call, failed, pause, cause) ->
                        retries.add(call + " after " + failed + ", " + pause.toMillis() + " ms"))
                .build();
    }

    private static String run(String state) {
        return "{\"id\":\"" + RUN + "\",\"name\":\"r\",\"state\":\"" + state + "\",\"attempt\":1,\"extra\":true,"
                + "\"progress\":{\"step\":3,\"totalSteps\":10,\"tokensSeen\":30,\"etaSeconds\":null,\"fraction\":0.3}}";
    }

    private static final String PROBLEM = "application/problem+json";

    @Test
    void aBusyServiceIsAskedAgainAfterItsRetryAfterAndTheAnswerIsTyped() throws Exception {
        script.add(new Answer(503, PROBLEM, "{}", Map.of("Retry-After", "1")));
        script.add(new Answer(502, "text/html", "<html>proxy</html>", Map.of()));
        script.add(new Answer(200, "application/json", run("CANCEL_REQUESTED"), Map.of()));
        List<String> retries = new ArrayList<>();

        var answer = client(new RetryPolicy(5, Duration.ofMillis(10), 2, Duration.ofSeconds(5), null), retries)
                .run(RUN);

        assertThat(answer.state()).isEqualTo(RunState.CANCEL_REQUESTED);
        assertThat(answer.cancelRequested()).isTrue();
        assertThat(answer.progress().step()).isEqualTo(3);
        assertThat(retries)
                .containsExactly(
                        "GET /api/v1/runs/" + RUN + " after 1, 1000 ms", "GET /api/v1/runs/" + RUN + " after 2, 20 ms");
        assertThat(seen).hasSize(3).allSatisfy(request -> assertThat(request).endsWith("Bearer " + TOKEN));
    }

    @Test
    void aRefusalCarriesItsProblemAndIsNotSentAgain() {
        script.add(new Answer(
                400,
                PROBLEM,
                "{\"type\":\"urn:alphadecay:problem:validation-failed\",\"title\":\"t\","
                        + "\"status\":400,\"detail\":\"steps: must be at least 1\",\"errors\":[{\"field\":\"steps\","
                        + "\"message\":\"must be at least 1\"}]}",
                Map.of()));

        assertThatThrownBy(() -> client(RetryPolicy.attempts(5, Duration.ofMillis(1)), new ArrayList<>())
                        .cancel(RUN, "why"))
                .isInstanceOfSatisfying(Refused.class, refused -> {
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.detail()).isEqualTo("steps: must be at least 1");
                    assertThat(refused.problem().orElseThrow().slug()).isEqualTo("validation-failed");
                    assertThat(refused.problem().orElseThrow().errors())
                            .singleElement()
                            .satisfies(e -> assertThat(e.field()).isEqualTo("steps"));
                })
                .hasMessageContaining("POST /api/v1/runs/" + RUN + "/cancel: the control-api refused it with 400");
        assertThat(seen).hasSize(1);
    }

    @Test
    void aWorkerCallOnARunItNoLongerHoldsIsALostLease() {
        script.add(new Answer(
                409,
                PROBLEM,
                "{\"type\":\"urn:alphadecay:problem:lease-lost\",\"status\":409,"
                        + "\"detail\":\"held by another worker\"}",
                Map.of()));
        script.add(new Answer(404, PROBLEM, "{\"status\":404,\"detail\":\"Run not found\"}", Map.of()));
        ControlApiClient client = client(RetryPolicy.NONE, new ArrayList<>());

        assertThatThrownBy(() -> client.heartbeat(RUN, "w", 1, 1, Double.NaN))
                .isInstanceOf(LeaseLost.class)
                .hasMessageContaining("held by another worker");
        assertThatThrownBy(() -> client.reportState(RUN, "w", RunState.SUCCEEDED, null, 1))
                .isInstanceOf(LeaseLost.class)
                .hasMessageContaining("Run not found");
    }

    @Test
    void noRetryPolicyMeansOneAttemptAndAnEmptyClaimIsEmpty() throws Exception {
        script.add(new Answer(503, "text/plain", "", Map.of()));
        script.add(new Answer(204, "application/json", "", Map.of()));
        ControlApiClient client = client(RetryPolicy.NONE, new ArrayList<>());

        assertThatThrownBy(() -> client.claim("w", Map.of()))
                .isInstanceOf(Unavailable.class)
                .hasMessageContaining("answered 503")
                .hasMessageNotContaining("gave up");
        assertThat(client.claim("w", Map.of())).isEmpty();
    }

    @Test
    void anUnreachableServiceIsGivenUpAfterItsAttemptsWithoutShowingTheToken() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        List<String> retries = new ArrayList<>();
        ControlApiClient client = ControlApiClient.builder(URI.create("http://127.0.0.1:" + closed), TOKEN)
                .optRetry(RetryPolicy.attempts(3, Duration.ofMillis(5)))
                .optRetryListener((call, failed, pause, cause) -> retries.add(cause.getMessage()))
                .build();

        assertThatThrownBy(() -> client.listRuns(null, null, null, 5))
                .isInstanceOf(Unavailable.class)
                .hasMessageContaining("is unreachable")
                .hasMessageContaining("gave up after 3 attempts")
                .hasMessageNotContaining(TOKEN);
        assertThat(retries).hasSize(2);
    }

    @Test
    void patienceEndsTheRetriesWhateverTheAttempts() {
        for (int i = 0; i < 100; i++) {
            script.add(new Answer(503, "text/plain", "", Map.of()));
        }
        long started = System.nanoTime();
        ControlApiClient client = client(
                new RetryPolicy(
                        Integer.MAX_VALUE, Duration.ofMillis(50), 2, Duration.ofMillis(100), Duration.ofMillis(600)),
                new ArrayList<>());

        assertThatThrownBy(() -> client.run(RUN))
                .isInstanceOf(Unavailable.class)
                .hasMessageContaining("gave up");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(seen.size()).isBetween(3, 20);
    }

    @Test
    void pausesGrowUpToTheirCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), 2, Duration.ofMillis(500), null);
        assertThat(List.of(policy.pause(1, null), policy.pause(2, null), policy.pause(3, null), policy.pause(4, null)))
                .containsExactly(
                        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(500));
        assertThat(policy.pause(1, new Unavailable("busy", Duration.ofSeconds(9))))
                .isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, 1, Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
