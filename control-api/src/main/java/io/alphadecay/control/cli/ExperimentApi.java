package io.alphadecay.control.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The harness's calls to the control-api. Connection failures and 5xx answers are retried with a growing pause
 * (the control-api may be restarting), for up to {@code patience}; a 4xx is final and carries the problem's detail.
 */
final class ExperimentApi {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    /** A call the control-api refused (4xx), with the problem+json {@code detail} when there is one. */
    static final class Refused extends RuntimeException {

        private final int status;

        Refused(int status, String detail) {
            super(detail);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final String token;
    private final Duration patience;
    private final PrintStream log;

    ExperimentApi(URI api, String token, Duration patience, PrintStream log) {
        this.api = api;
        this.token = token;
        this.patience = patience;
        this.log = log;
    }

    URI api() {
        return api;
    }

    JsonNode get(String path) throws InterruptedException {
        return call("GET", path, null, null);
    }

    /** Creates a run, or finds the one created earlier with the same key and body. */
    JsonNode create(Map<String, Object> config, String idempotencyKey) throws InterruptedException {
        return call("POST", "/api/v1/runs", JSON.writeValueAsString(config), idempotencyKey);
    }

    /** The newest run with this name whose configuration holds every field of {@code config}, if any. */
    Optional<JsonNode> find(Map<String, Object> config) throws InterruptedException {
        String name = String.valueOf(config.get("name"));
        JsonNode page = get("/api/v1/runs?limit=100&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        for (JsonNode run : page.get("items")) {
            if (contains(run.get("config"), JSON.valueToTree(config))) {
                return Optional.of(run);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code stored} has every field of {@code wanted} with an equal value; numbers compare by value. */
    static boolean contains(JsonNode stored, JsonNode wanted) {
        if (wanted.isObject()) {
            if (stored == null || !stored.isObject()) {
                return false;
            }
            for (var field : wanted.properties()) {
                if (!contains(stored.get(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (stored == null) {
            return false;
        }
        if (wanted.isNumber() && stored.isNumber()) {
            return wanted.asDouble() == stored.asDouble();
        }
        return wanted.equals(stored);
    }

    /** Everything the report needs of a run of the given cell. */
    RunResult result(ExperimentGrid.Cell cell, String id) throws InterruptedException {
        JsonNode run = get("/api/v1/runs/" + id);
        List<Double> perplexity = values(id, "val_perplexity");
        List<Double> throughput = values(id, "tokens_per_second");
        Double wall = null;
        if (!run.path("startedAt").isNull() && !run.path("finishedAt").isNull()
                && !run.path("startedAt").isMissingNode() && !run.path("finishedAt").isMissingNode()) {
            wall = Duration.between(Instant.parse(run.get("startedAt").asString()),
                    Instant.parse(run.get("finishedAt").asString())).toMillis() / 1000.0;
        }
        SortedMap<Long, Map<String, Double>> alphaByStep = new TreeMap<>();
        SortedMap<Long, Map<String, Double>> decayByStep = new TreeMap<>();
        for (JsonNode analysis : get("/api/v1/runs/" + id + "/analyses?includeModules=true").get("analyses")) {
            long step = analysis.get("step").asLong();
            Map<String, Double> alphas = meansByType(analysis, module -> "ok".equals(module.path("status").asString())
                    && module.path("alpha").isNumber() ? module.get("alpha").asDouble() : null);
            if (!alphas.isEmpty()) {
                alphaByStep.put(step, alphas);
            }
            double analysisWd0 = analysis.path("wd0").asDouble(0);
            if ("alphadecay".equals(analysis.path("policy").asString()) && analysisWd0 > 0) {
                Map<String, Double> multiples = meansByType(analysis, module -> module.path("weightDecay").isNumber()
                        ? module.get("weightDecay").asDouble() / analysisWd0 : null);
                double weighted = 0;
                double parameters = 0;
                for (JsonNode module : analysis.path("modules")) {
                    if (module.path("weightDecay").isNumber()) {
                        double size = module.path("rows").asDouble(0) * module.path("cols").asDouble(0);
                        weighted += size * module.get("weightDecay").asDouble() / analysisWd0;
                        parameters += size;
                    }
                }
                if (parameters > 0) {
                    multiples.put(RunResult.ALL, weighted / parameters);
                }
                if (!multiples.isEmpty()) {
                    decayByStep.put(step, multiples);
                }
            }
        }
        return new RunResult(id, run.get("name").asString(), cell.policy(), cell.wd0(), cell.seed(),
                run.get("state").asString(), run.path("failureReason").asString(null),
                perplexity.isEmpty() ? null : perplexity.get(perplexity.size() - 1),
                perplexity.stream().min(Double::compare).orElse(null), run.get("progress").get("step").asLong(), wall,
                throughput.isEmpty() ? null : ExperimentStats.summarize(throughput).mean(), alphaByStep, decayByStep);
    }

    /** The mean of {@code value} over an analysis's modules of each type, leaving out modules it gives null. */
    private static Map<String, Double> meansByType(JsonNode analysis, Function<JsonNode, Double> value) {
        Map<String, List<Double>> byType = new TreeMap<>();
        for (JsonNode module : analysis.path("modules")) {
            Double v = value.apply(module);
            if (v != null) {
                byType.computeIfAbsent(module.path("type").asString(), t -> new ArrayList<>()).add(v);
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (String type : RunResult.TYPES) {
            if (byType.containsKey(type)) {
                means.put(type, ExperimentStats.summarize(byType.get(type)).mean());
            }
        }
        return means;
    }

    /** Every point of a metric (up to the read cap of 100,000), in step order. */
    List<Double> values(String id, String metric) throws InterruptedException {
        JsonNode points = get("/api/v1/runs/" + id + "/metrics?name=" + metric + "&maxPoints=100000");
        return points.get("points").valueStream().map(p -> p.get("value").asDouble()).toList();
    }

    private JsonNode call(String method, String path, String body, String idempotencyKey)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        Duration pause = Duration.ofSeconds(1);
        while (true) {
            String trouble;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
                if (body != null) {
                    request.header("Content-Type", "application/json");
                }
                if (idempotencyKey != null) {
                    request.header("Idempotency-Key", idempotencyKey);
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return JSON.readTree(response.body());
                }
                if (status / 100 == 4) {
                    throw new Refused(status, detail(response.body(), status));
                }
                trouble = "answered " + status;
            }
            catch (IOException ex) {
                trouble = "is unreachable (" + ex.getClass().getSimpleName() + ")";
            }
            if (System.nanoTime() + pause.toNanos() > deadline) {
                throw new IllegalStateException("the control-api at " + api + " " + trouble + "; gave up after "
                        + patience.toMinutes() + " minutes of retries");
            }
            log.println("alphadecay: the control-api " + trouble + " (" + method + " " + path.replaceAll("\\?.*", "")
                    + "); retrying in " + pause.toSeconds() + " s");
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
    }

    private static String detail(String body, int status) {
        try {
            JsonNode problem = JSON.readTree(body);
            if (problem.path("detail").isString()) {
                return problem.get("detail").asString();
            }
        }
        catch (RuntimeException ex) {
            // Not JSON: fall through to the status.
        }
        return "HTTP " + status;
    }
}
