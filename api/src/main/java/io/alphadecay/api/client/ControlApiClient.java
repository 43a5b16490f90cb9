package io.alphadecay.api.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.stream.Collectors;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.analysis.AnalysisList;
import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.analysis.NewAnalysis;
import io.alphadecay.api.checkpoint.Checkpoint;
import io.alphadecay.api.checkpoint.NewCheckpoint;
import io.alphadecay.api.metric.MetricBatch;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.metric.MetricsAccepted;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.api.run.RunEvent;
import io.alphadecay.api.run.RunRequests;
import io.alphadecay.api.run.RunState;

/**
 * The control-api's REST API as typed calls, for the workers (service token) and for people's tools (operator
 * token). Every call goes through one {@link RetryPolicy}: {@link RetryPolicy#NONE} by default, since workers retry
 * at their own pace; {@link #withRetry} gives a view that retries.
 */
public final class ControlApiClient {

    private static final int MAX_REASON = 4000;

    private final ServiceHttp http;

    private ControlApiClient(ServiceHttp http) {
        this.http = http;
    }

    public static Builder builder(URI base, String token) {
        return new Builder(base, token);
    }

    /** The same client (connections, token) under another retry policy. */
    public ControlApiClient withRetry(RetryPolicy retry) {
        return new ControlApiClient(http.with(retry));
    }

    public URI base() {
        return http.base();
    }

    // ---- workers ----

    /** The oldest queued run, now leased to {@code workerId}; empty when nothing is queued. */
    public Optional<Run> claim(String workerId, Map<String, String> provenance) throws ApiCallException {
        var call = ServiceHttp.Call.json("POST", "/api/v1/runs:claim", new RunRequests.Claim(workerId, provenance));
        var response = http.send(call);
        return response.statusCode() == 204
                ? Optional.empty()
                : Optional.of(http.parse(call, response.body(), Run.class));
    }

    /** Renews the lease and reports progress; the answer says whether a cancel was requested. */
    public Run heartbeat(UUID run, String workerId, long step, long tokensSeen, Double etaSeconds)
            throws ApiCallException {
        Double eta = etaSeconds != null && Double.isFinite(etaSeconds) ? Math.max(0, etaSeconds) : null;
        return held(() -> http.read(
                ServiceHttp.Call.json(
                        "POST",
                        runPath(run) + "/heartbeat",
                        new RunRequests.Heartbeat(workerId, step, tokensSeen, eta)),
                Run.class));
    }

    /** Ends the run in {@code state} (or gives it back with QUEUED). */
    public void reportState(UUID run, String workerId, RunState state, String reason, long step)
            throws ApiCallException {
        held(() -> http.send(ServiceHttp.Call.json(
                "POST",
                runPath(run) + "/state",
                new RunRequests.StateReport(workerId, state, truncate(reason), step))));
    }

    public MetricsAccepted postMetrics(UUID run, List<MetricPoint> points) throws ApiCallException {
        return http.read(
                ServiceHttp.Call.json("POST", runPath(run) + "/metrics", new MetricBatch(points)),
                MetricsAccepted.class);
    }

    public Checkpoint registerCheckpoint(UUID run, NewCheckpoint checkpoint) throws ApiCallException {
        return http.read(ServiceHttp.Call.json("POST", runPath(run) + "/checkpoints", checkpoint), Checkpoint.class);
    }

    public RunEvent event(UUID run, String type, String message) throws ApiCallException {
        return http.read(
                ServiceHttp.Call.json(
                        "POST", runPath(run) + "/events", new RunRequests.NewEvent(type, truncate(message), null)),
                RunEvent.class);
    }

    /** The decays the run should use now: the latest analysis with the operators' overrides on top. */
    public DecayAssignment decayAssignment(UUID run) throws ApiCallException {
        return http.read(ServiceHttp.Call.get(runPath(run) + "/decay-assignment"), DecayAssignment.class);
    }

    /** Stores an analysis of a run; the run id is the esd-service's, as the checkpoint named it. */
    public Analysis reportAnalysis(String runId, NewAnalysis analysis) throws ApiCallException {
        return http.read(
                ServiceHttp.Call.json("POST", "/api/v1/runs/" + encode(runId) + "/analyses", analysis), Analysis.class);
    }

    // ---- operators ----

    /**
     * Creates a run. With an {@code idempotencyKey}, a second call with the same key and configuration answers the
     * run the first created instead of making another.
     */
    public Run createRun(RunConfig config, String idempotencyKey) throws ApiCallException {
        var call = ServiceHttp.Call.json("POST", "/api/v1/runs", config);
        return http.read(idempotencyKey == null ? call : call.withIdempotencyKey(idempotencyKey), Run.class);
    }

    /** One page of runs, newest first, optionally only those in {@code state} or named {@code name}. */
    public RunRequests.Page listRuns(RunState state, String name, String cursor, int limit) throws ApiCallException {
        StringJoiner query = new StringJoiner("&", "/api/v1/runs?", "");
        query.add("limit=" + limit);
        if (state != null) {
            query.add("state=" + state);
        }
        if (name != null) {
            query.add("name=" + encode(name));
        }
        if (cursor != null) {
            query.add("cursor=" + encode(cursor));
        }
        return http.read(ServiceHttp.Call.get(query.toString()), RunRequests.Page.class);
    }

    public Run run(UUID run) throws ApiCallException {
        return http.read(ServiceHttp.Call.get(runPath(run)), Run.class);
    }

    public Run cancel(UUID run, String reason) throws ApiCallException {
        return http.read(
                ServiceHttp.Call.json("POST", runPath(run) + "/cancel", new RunRequests.Cancel(truncate(reason))),
                Run.class);
    }

    /** Events with an id above {@code after}, oldest first. */
    public RunRequests.EventList events(UUID run, long after, int limit) throws ApiCallException {
        return http.read(
                ServiceHttp.Call.get(runPath(run) + "/events?after=" + after + "&limit=" + limit),
                RunRequests.EventList.class);
    }

    /** One series (or every series when {@code name} is null), thinned to at most {@code maxPoints}. */
    public List<MetricPoint> metrics(UUID run, String name, Integer maxPoints) throws ApiCallException {
        StringJoiner query =
                new StringJoiner("&", runPath(run) + "/metrics?", "").setEmptyValue(runPath(run) + "/metrics");
        if (name != null) {
            query.add("name=" + encode(name));
        }
        if (maxPoints != null) {
            query.add("maxPoints=" + maxPoints);
        }
        return http.read(ServiceHttp.Call.get(query.toString()), MetricBatch.class)
                .points();
    }

    public List<Analysis> analyses(UUID run, boolean includeModules) throws ApiCallException {
        return http.read(
                        ServiceHttp.Call.get(runPath(run) + "/analyses?includeModules=" + includeModules),
                        AnalysisList.class)
                .analyses();
    }

    /** The newest analysis with its modules; empty when the run has none yet. */
    public Optional<Analysis> latestAnalysis(UUID run) throws ApiCallException {
        try {
            return Optional.of(http.read(ServiceHttp.Call.get(runPath(run) + "/analyses/latest"), Analysis.class));
        } catch (Refused ex) {
            if (ex.status() == 404) {
                run(run); // a missing run stays an error; a run without analyses is an empty answer
                return Optional.empty();
            }
            throw ex;
        }
    }

    /** The comparison report of these runs as a standalone HTML page. */
    public byte[] comparisonReport(List<UUID> runs) throws ApiCallException {
        String ids = runs.stream().map(UUID::toString).collect(Collectors.joining(","));
        return http.send(ServiceHttp.Call.get("/api/v1/reports/compare?runs=" + ids)
                        .accepting("text/html"))
                .body();
    }

    /** What {@code /actuator/info} says of the build; fields the control-api does not publish are null. */
    private record Info(Build build) {

        record Build(String version, String time) {}
    }

    /** The control-api's build version and time from {@code /actuator/info}, when it publishes them. */
    public Optional<String> buildDescription() throws ApiCallException {
        Info.Build build =
                http.read(ServiceHttp.Call.get("/actuator/info"), Info.class).build();
        if (build == null || build.version() == null) {
            return Optional.empty();
        }
        return Optional.of(build.version() + (build.time() == null ? "" : " (built " + build.time() + ")"));
    }

    private static String runPath(UUID run) {
        return "/api/v1/runs/" + run;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON);
    }

    @FunctionalInterface
    private interface WorkerCall<T> {
        T call() throws ApiCallException;
    }

    /** A worker call on a leased run: 404 or 409 means the lease is gone. */
    private static <T> T held(WorkerCall<T> call) throws ApiCallException {
        try {
            return call.call();
        } catch (Refused ex) {
            if (!(ex instanceof LeaseLost) && (ex.status() == 404 || ex.status() == 409)) {
                throw new LeaseLost(ex);
            }
            throw ex;
        }
    }

    /** Timeouts and retries of a client; the defaults suit workers. */
    public static final class Builder {

        private final URI base;
        private final String token;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retry = RetryPolicy.NONE;
        private RetryListener listener = RetryListener.SILENT;

        private Builder(URI base, String token) {
            this.base = base;
            this.token = token;
        }

        public Builder optConnectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder optRequestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder optRetry(RetryPolicy policy) {
            this.retry = policy;
            return this;
        }

        public Builder optRetryListener(RetryListener retryListener) {
            this.listener = retryListener;
            return this;
        }

        public ControlApiClient build() {
            return new ControlApiClient(
                    new ServiceHttp("the control-api", base, token, connectTimeout, requestTimeout, retry, listener));
        }
    }
}
