package io.alphadecay.deploy.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.alphadecay.deploy.TrainingFixture;
import io.alphadecay.testing.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every query of every provisioned dashboard, run for real after a short AlphaDecay run: the SQL against the
 * control-api's PostgreSQL (with Grafana's macros substituted), the PromQL against a real Prometheus that scraped
 * the three services while the run trained. A query with a typo, a wrong metric or label name, or a column the
 * schema does not have fails here instead of drawing an empty panel.
 */
class DashboardQueriesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RATE_INTERVAL = "5s"; // Grafana's: at least four scrape intervals

    private static Path work;
    private static EmbeddedPostgres postgres;
    private static String jdbcUrl;
    private static ServiceProcess controlApi;
    private static ServiceProcess esd;
    private static ServiceProcess trainer;
    private static PrometheusServer prometheus;
    private static String runId;
    private static Instant from;
    private static Instant to;

    @BeforeAll
    static void trainAShortRun() throws Exception {
        work = Files.createTempDirectory("dashboards-it");
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pg"))
                .setCleanDataDirectory(true)
                .start();
        jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        controlApi = ServiceProcess.startService(
                "control-api",
                List.of(
                        "--alphadecay.db.url=" + jdbcUrl,
                        "--alphadecay.db.user=postgres",
                        "--alphadecay.monitoring.refresh-interval=1s"));
        esd = ServiceProcess.startEsd(controlApi.url());
        trainer = ServiceProcess.startTrainer(
                controlApi.url(),
                esd.url(),
                List.of("--alphadecay.worker.id=dashboards-it", "--alphadecay.worker.device=cpu"));
        Optional<Path> binary = PrometheusServer.binary();
        if (binary.isPresent()) {
            Map<String, Integer> jobs = new LinkedHashMap<>();
            jobs.put("control-api", controlApi.port());
            jobs.put("esd-service", esd.port());
            jobs.put("trainer-service", trainer.port());
            prometheus = PrometheusServer.start(
                    binary.get(),
                    Files.createDirectories(work.resolve("prometheus")),
                    jobs,
                    ServiceProcess.SERVICE_TOKEN);
            PrometheusServer.sleep(PrometheusServer.SCRAPE_INTERVAL.multipliedBy(3));
        }

        from = Instant.now().minusSeconds(5);
        Path corpus = TrainingFixture.corpus(work, 40, 80);
        Path tokenizer = TrainingFixture.tokenizer(work);
        String body = "{\"name\": \"dashboards\", \"preset\": \"tiny\", \"steps\": 400, \"batchSize\": 8,"
                + " \"sequenceLength\": 64, \"warmupSteps\": 10, \"learningRate\": 0.001, \"evalInterval\": 100,"
                + " \"evalBatches\": 2, \"checkpointInterval\": 200, \"device\": \"cpu\","
                + " \"decay\": {\"policy\": \"alphadecay\", \"interval\": 100},"
                + " \"dataset\": " + JSON.writeValueAsString(corpus.toString())
                + ", \"tokenizer\": " + JSON.writeValueAsString(tokenizer.toString()) + "}";
        var created = controlApi.asOperator("POST", "/api/v1/runs", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        runId = JSON.readTree(created.body()).get("id").asString();

        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String state = "";
        while (System.nanoTime() < deadline
                && !Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state)) {
            PrometheusServer.sleep(Duration.ofMillis(250));
            state = JSON.readTree(controlApi
                            .asOperator("GET", "/api/v1/runs/" + runId, null)
                            .body())
                    .get("state")
                    .asString();
        }
        assertThat(state).as("the run's state; trainer log:\n%s", trainer.log()).isEqualTo("SUCCEEDED");
        PrometheusServer.sleep(PrometheusServer.SCRAPE_INTERVAL.multipliedBy(3)); // the last scrapes after the run
        to = Instant.now().plusSeconds(1);
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable closeable : new AutoCloseable[] {prometheus, trainer, esd, controlApi, postgres}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ex) {
                // Keep stopping the others.
            }
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void everySqlQueryOfTheDashboardsReturnsRowsAfterARun() throws SQLException {
        List<Dashboards.Query> queries = Dashboards.queries(Dashboards.POSTGRES_UID);
        assertThat(queries).as("SQL panels").hasSizeGreaterThanOrEqualTo(8);
        List<String> failures = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            for (Dashboards.Query query : queries) {
                String sql =
                        GrafanaMacros.sql(query.text(), from, to, variablesOf(query.dashboard()), Map.of("run", runId));
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery(sql)) {
                    if (!rows.next()) {
                        failures.add(query + " returned no rows:\n" + sql);
                    }
                } catch (SQLException ex) {
                    failures.add(query + " failed: " + ex.getMessage() + "\n" + sql);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void everyRunVariableListsTheRun() throws SQLException {
        List<Dashboards.Variable> variables = Dashboards.variables();
        assertThat(variables).extracting(Dashboards.Variable::datasourceUid).containsOnly(Dashboards.POSTGRES_UID);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            for (Dashboards.Variable variable : variables) {
                List<String> values = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery(
                                GrafanaMacros.sql(variable.query(), from, to, List.of(), Map.of()))) {
                    while (rows.next()) {
                        values.add(rows.getString("__value"));
                        assertThat(rows.getString("__text")).as(variable.name()).startsWith("dashboards (");
                    }
                }
                assertThat(values)
                        .as(variable.dashboard() + " $" + variable.name())
                        .containsExactly(runId);
            }
        }
    }

    @Test
    void everyPromQlExpressionOfTheDashboardsReturnsSeriesAfterARun() throws IOException {
        assumeTrue(
                prometheus != null,
                "No prometheus binary on the PATH (Debian package: prometheus; or set "
                        + "ALPHADECAY_PROMETHEUS); the dashboards' PromQL was not evaluated");
        JsonNode targets = prometheus.targets().path("data").path("activeTargets");
        assertThat(targets)
                .extracting(t -> t.path("labels").path("job").asString() + "="
                        + t.path("health").asString())
                .containsExactlyInAnyOrder("control-api=up", "esd-service=up", "trainer-service=up");

        List<Dashboards.Query> queries = Dashboards.queries(Dashboards.PROMETHEUS_UID);
        assertThat(queries).as("PromQL panels").hasSizeGreaterThanOrEqualTo(20);
        List<String> failures = new ArrayList<>();
        for (Dashboards.Query query : queries) {
            String expression = GrafanaMacros.promQl(query.text(), RATE_INTERVAL, Map.of("run", runId));
            try {
                JsonNode result = prometheus
                        .queryRange(expression, from, to, Duration.ofSeconds(1))
                        .path("result");
                if (result.isEmpty()) {
                    failures.add(query + " returned no series: " + expression);
                } else if (!hasFiniteValue(result)) {
                    failures.add(query + " returned only NaN or infinite values: " + expression);
                }
            } catch (IllegalArgumentException ex) {
                failures.add(query + ": " + ex.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }

    private static List<Dashboards.Variable> variablesOf(String dashboardTitle) {
        return Dashboards.variables().stream()
                .filter(v -> v.dashboard().equals(dashboardTitle))
                .toList();
    }

    private static boolean hasFiniteValue(JsonNode result) {
        for (JsonNode series : result) {
            for (JsonNode point : series.path("values")) {
                double value = Double.parseDouble(point.get(1).asString().replace("Inf", "Infinity"));
                if (Double.isFinite(value)) {
                    return true;
                }
            }
        }
        return false;
    }
}
