package io.alphadecay.deploy.dashboards;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real Prometheus server (the distribution's binary) on a loopback port, scraping the services every second. */
final class PrometheusServer implements AutoCloseable {

    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final URI url;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(Process process, URI url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** The binary from {@code ALPHADECAY_PROMETHEUS}, or {@code prometheus} on the PATH. */
    static Optional<Path> binary() {
        String configured = System.getenv("ALPHADECAY_PROMETHEUS");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "prometheus");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts Prometheus with one scrape job per service: job name to port, all read with the bearer token. */
    static PrometheusServer start(Path binary, Path workDir, Map<String, Integer> jobs, String token)
            throws IOException {
        Path tokenFile = workDir.resolve("scrape-token");
        Files.writeString(tokenFile, token);
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: " + SCRAPE_INTERVAL.toSeconds() + "s\n"
                + "  scrape_timeout: 1s\nscrape_configs:\n");
        jobs.forEach((job, port) -> config.append("  - job_name: ")
                .append(job)
                .append('\n')
                .append("    metrics_path: /actuator/prometheus\n")
                .append("    authorization:\n      type: Bearer\n      credentials_file: ")
                .append(tokenFile)
                .append('\n')
                .append("    static_configs:\n      - targets: ['127.0.0.1:")
                .append(port)
                .append("']\n"));
        Path configFile = workDir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = workDir.resolve("prometheus.log");
        Process process = new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + configFile,
                        "--storage.tsdb.path=" + workDir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--storage.tsdb.retention.time=1d")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
        server.awaitReady();
        return server;
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited early:\n" + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("Prometheus was not ready in 60 s:\n" + log());
    }

    /** The health of every scrape target, by job: "up" once scraped successfully. */
    JsonNode targets() throws IOException {
        return JSON.readTree(get("/api/v1/targets?state=active").body());
    }

    /** A range query over [from, to] at the given resolution, as a Grafana time-series panel sends it. */
    JsonNode queryRange(String expression, Instant from, Instant to, Duration step) throws IOException {
        HttpResponse<String> response = get("/api/v1/query_range?query="
                + URLEncoder.encode(expression, StandardCharsets.UTF_8) + "&start=" + from.getEpochSecond() + "&end="
                + to.getEpochSecond() + "&step=" + step.toSeconds());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200
                || !"success".equals(body.path("status").asString())) {
            throw new IllegalArgumentException("Prometheus refused " + expression + ": " + response.body());
        }
        return body.path("data");
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException ex) {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException {
        try {
            return http.send(
                    HttpRequest.newBuilder(url.resolve(pathAndQuery))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException(ex);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
