import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator for the control-api's metric ingestion, run as a single-file program ({@code java MetricLoad.java}).
 *
 * <pre>
 *   java MetricLoad.java ingest BASE_URL TOKEN_DIR CLIENTS POINTS_PER_REQUEST WARMUP_SECONDS SECONDS
 *   java MetricLoad.java fill   BASE_URL TOKEN_DIR POINTS
 * </pre>
 *
 * TOKEN_DIR holds the files {@code operator-token} and {@code service-token} (tokens never go on a command line).
 * {@code ingest} gives each client a run of its own, created as operator and claimed as service (as a worker would
 * hold it, kept alive by heartbeats), then each client posts batches of fresh (name, step) points back to back,
 * one request at a time, and prints the points per second and the request latencies of the measured window.
 * {@code fill} creates and claims one run, stores POINTS train_loss points and prints the run's id.
 */
public final class MetricLoad {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final String[] NAMES = {"train_loss", "learning_rate", "grad_norm", "tokens_per_second"};

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String operator;
    private final String service;

    private MetricLoad(String base, Path tokens) throws IOException {
        this.base = base.replaceAll("/+$", "");
        this.operator = Files.readString(tokens.resolve("operator-token")).strip();
        this.service = Files.readString(tokens.resolve("service-token")).strip();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java MetricLoad.java ingest|fill BASE_URL TOKEN_DIR ...");
            System.exit(2);
        }
        MetricLoad load = new MetricLoad(args[1], Path.of(args[2]));
        switch (args[0]) {
            case "ingest" -> load.ingest(Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            case "fill" -> System.out.println(load.fill(Integer.parseInt(args[3])));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private String send(String method, String path, String token, String json, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(500, response.body().length())));
        }
        return response.body();
    }

    /** A run in the state a worker posts metrics in: created by an operator, then claimed (RUNNING) by {@code worker}. */
    private String claimedRun(String name, String worker) throws IOException, InterruptedException {
        send("POST", "/api/v1/runs", operator, "{\"name\": \"" + name + "\", \"steps\": 1000000}", 201);
        // The claim takes the oldest queued run; the runs are claimed one by one right after creation, so it is ours.
        String claimed = send("POST", "/api/v1/runs:claim", service, "{\"workerId\": \"" + worker + "\"}", 200);
        Matcher id = ID.matcher(claimed);
        if (!id.find()) {
            throw new IOException("no run id in the claim answer: " + claimed);
        }
        return id.group(1);
    }

    private void heartbeat(String run, String worker) throws IOException, InterruptedException {
        send("POST", "/api/v1/runs/" + run + "/heartbeat", service, "{\"workerId\": \"" + worker + "\"}", 200);
    }

    /** One batch: {@code count} points with steps from {@code firstStep}, cycling through the metric names. */
    private static String batch(long firstStep, int count, String only) {
        StringBuilder json = new StringBuilder(count * 60 + 16).append("{\"points\": [");
        for (int i = 0; i < count; i++) {
            long step = firstStep + i;
            String name = only != null ? only : NAMES[(int) (step % NAMES.length)];
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"name\":\"").append(name).append("\",\"step\":").append(step)
                    .append(",\"value\":").append(1.0 + (step % 997) / 1000.0).append('}');
        }
        return json.append("]}").toString();
    }

    private String fill(int points) throws Exception {
        String worker = "bench-fill";
        String run = claimedRun("bench-read-" + points, worker);
        for (long step = 0; step < points; step += 10_000) {
            send("POST", "/api/v1/runs/" + run + "/metrics", service,
                    batch(step, (int) Math.min(10_000, points - step), "train_loss"), 200);
            heartbeat(run, worker);
        }
        return run;
    }

    private void ingest(int clients, int perRequest, int warmupSeconds, int seconds) throws Exception {
        String[] runs = new String[clients];
        for (int c = 0; c < clients; c++) {
            runs[c] = claimedRun("bench-ingest-" + perRequest + "-" + c + "-" + System.nanoTime(), "bench-" + c);
        }
        // Heartbeats every 10 s keep the leases (60 s by default) while the load runs.
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        beats.scheduleAtFixedRate(() -> {
            for (int c = 0; c < clients; c++) {
                try {
                    heartbeat(runs[c], "bench-" + c);
                }
                catch (Exception ex) {
                    System.err.println("heartbeat failed: " + ex.getMessage());
                }
            }
        }, 10, 10, TimeUnit.SECONDS);

        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        AtomicBoolean failed = new AtomicBoolean();
        long[] points = new long[clients];
        List<long[]> latencies = new ArrayList<>();
        int[] counts = new int[clients];
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            long[] mine = new long[1 << 20];
            latencies.add(mine);
            new Thread(() -> {
                long step = 0;
                try {
                    while (!failed.get()) {
                        // Fresh steps every request: each point is a new row, not an overwrite.
                        String body = batch(step, perRequest, null);
                        step += perRequest;
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        send("POST", "/api/v1/runs/" + runs[client] + "/metrics", service, body, 200);
                        long t1 = System.nanoTime();
                        // A request counts when it started inside the window (its points are stored by then).
                        if (t0 >= measureFrom && counts[client] < mine.length) {
                            mine[counts[client]++] = t1 - t0;
                            points[client] += perRequest;
                        }
                    }
                }
                catch (Exception ex) {
                    failed.set(true);
                    System.err.println("client " + client + " failed: " + ex.getMessage());
                }
                finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        long finished = System.nanoTime();
        beats.shutdownNow();
        if (failed.get()) {
            System.exit(1);
        }
        long total = Arrays.stream(points).sum();
        // The window closes at `end`, or later if a request started before it was still under way.
        double window = (Math.max(end, finished) - measureFrom) / 1e9;
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l, 0, counts[latencies.indexOf(l)]))
                .sorted().toArray();
        System.out.printf("points_per_request=%d clients=%d requests=%d points=%d seconds=%.2f points_per_second=%.0f "
                + "requests_per_second=%.1f p50_ms=%.2f p99_ms=%.2f%n", perRequest, clients, all.length, total, window,
                total / window, all.length / window, quantile(all, 0.50) / 1e6, quantile(all, 0.99) / 1e6);
    }

    private static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
