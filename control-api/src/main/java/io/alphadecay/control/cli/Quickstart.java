package io.alphadecay.control.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The quickstart's client side: launches an AlphaDecay run and a uniform-decay run of the same configuration
 * through the REST API, shows their progress, and ends with a comparison. The launcher starts the services first.
 * Arguments: control-api URL, operator token file, steps. The comparison report is saved under
 * {@code $ALPHADECAY_HOME/reports/} (the home is the token file's grandparent when the variable is not set).
 */
public final class Quickstart {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final String token;
    private final Path home;

    Quickstart(URI api, String token, Path home) {
        this.api = api;
        this.token = token;
        this.home = home;
    }

    public static void main(String[] args) throws Exception {
        URI api = URI.create(args.length > 0 ? args[0] : "http://localhost:8080");
        Path tokenFile = Path.of(args.length > 1 ? args[1] : ".alphadecay/secrets/operator-token");
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        if (!Files.isReadable(tokenFile)) {
            System.err.println("alphadecay: no operator token at " + tokenFile + "; is the control-api up?");
            System.exit(2);
        }
        System.exit(new Quickstart(api, Files.readString(tokenFile).strip(),
                home(System.getenv("ALPHADECAY_HOME"), tokenFile)).run(steps));
    }

    /** The launcher exports ALPHADECAY_HOME; run by hand, the generated token file sits in {@code <home>/secrets}. */
    static Path home(String variable, Path tokenFile) {
        if (variable != null && !variable.isBlank()) {
            return Path.of(variable);
        }
        Path secrets = tokenFile.toAbsolutePath().getParent();
        return secrets == null || secrets.getParent() == null ? Path.of(".alphadecay") : secrets.getParent();
    }

    private int run(int steps) throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("MMdd-HHmmss"));
        Map<String, String> runs = new LinkedHashMap<>();
        for (String policy : List.of("alphadecay", "uniform")) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", "quickstart-" + policy + "-" + stamp);
            body.put("preset", "cpu-small");
            body.put("steps", steps);
            body.put("batchSize", 16);
            body.put("sequenceLength", 128);
            body.put("seed", 1);
            body.put("learningRate", 0.002);
            body.put("warmupSteps", Math.max(1, steps / 10));
            body.put("weightDecay", 0.1);
            body.put("evalInterval", Math.max(1, steps / 6));
            body.put("evalBatches", 20);
            body.put("checkpointInterval", steps);
            body.put("decay", Map.of("policy", policy, "interval", Math.max(1, steps / 4)));
            JsonNode created = call("POST", "/api/v1/runs", JSON.writeValueAsString(body));
            runs.put(policy, created.get("id").asString());
        }
        System.out.println("Launched two cpu-small runs of " + steps + " steps with the same seed, data and budget:");
        runs.forEach((policy, id) -> System.out.println("  " + policy + ": " + api.resolve("/api/v1/runs/" + id)));
        System.out.println();

        boolean tty = System.console() != null;
        long lastPrint = 0;
        int drawn = 0;
        while (true) {
            List<String> lines = new ArrayList<>();
            boolean done = true;
            for (var entry : runs.entrySet()) {
                JsonNode run = call("GET", "/api/v1/runs/" + entry.getValue(), null);
                done &= ENDED.contains(run.get("state").asString());
                lines.add(progressLine(entry.getKey(), run));
            }
            if (tty) {
                StringBuilder frame = new StringBuilder();
                if (drawn > 0) {
                    frame.append("\u001b[").append(drawn).append('A');
                }
                lines.forEach(line -> frame.append("\r\u001b[2K").append(line).append('\n'));
                System.out.print(frame);
                drawn = lines.size();
            }
            else if (System.currentTimeMillis() - lastPrint > 15_000 || done) {
                lines.forEach(System.out::println);
                lastPrint = System.currentTimeMillis();
            }
            if (done) {
                break;
            }
            Thread.sleep(2000);
        }
        return summary(runs, stamp);
    }

    private String progressLine(String policy, JsonNode run) throws IOException, InterruptedException {
        JsonNode progress = run.get("progress");
        double fraction = progress.get("fraction").asDouble();
        int filled = (int) Math.round(fraction * 30);
        String bar = "█".repeat(filled) + "░".repeat(30 - filled);
        String id = run.get("id").asString();
        Double loss = last(id, "train_loss");
        Double ppl = last(id, "val_perplexity");
        String eta = progress.get("etaSeconds").isNull() ? "" : String.format(Locale.ROOT, " ETA %ds",
                (long) progress.get("etaSeconds").asDouble());
        String spread = "";
        if ("alphadecay".equals(policy)) {
            JsonNode analyses = call("GET", "/api/v1/runs/" + id + "/analyses", null).get("analyses");
            if (!analyses.isEmpty()) {
                JsonNode summary = analyses.get(analyses.size() - 1).get("summary");
                if (!summary.get("alphaMin").isNull()) {
                    spread = String.format(Locale.ROOT, "  α %.2f–%.2f", summary.get("alphaMin").asDouble(),
                            summary.get("alphaMax").asDouble());
                }
            }
        }
        return String.format(Locale.ROOT, "%-10s %s %5.1f%%  step %4d/%-4d  loss %-6s  val ppl %-8s %-9s%s%s",
                policy, bar, 100 * fraction, progress.get("step").asLong(), progress.get("totalSteps").asLong(),
                loss == null ? "–" : String.format(Locale.ROOT, "%.3f", loss),
                ppl == null ? "–" : String.format(Locale.ROOT, "%.1f", ppl), run.get("state").asString(), eta, spread);
    }

    private int summary(Map<String, String> runs, String stamp) throws IOException, InterruptedException {
        System.out.println();
        Map<String, Double> finals = new LinkedHashMap<>();
        int exit = 0;
        System.out.println("| run | state | final val ppl | best val ppl |");
        System.out.println("| --- | --- | ---: | ---: |");
        for (var entry : runs.entrySet()) {
            JsonNode run = call("GET", "/api/v1/runs/" + entry.getValue(), null);
            JsonNode points = call("GET", "/api/v1/runs/" + entry.getValue() + "/metrics?name=val_perplexity", null)
                    .get("points");
            double best = Double.NaN;
            for (JsonNode point : points) {
                best = Double.isNaN(best) ? point.get("value").asDouble() : Math.min(best, point.get("value").asDouble());
            }
            Double last = points.isEmpty() ? null : points.get(points.size() - 1).get("value").asDouble();
            if (last != null) {
                finals.put(entry.getKey(), last);
            }
            if (!"SUCCEEDED".equals(run.get("state").asString())) {
                exit = 1;
                System.out.println("| " + entry.getKey() + " | " + run.get("state").asString() + ": "
                        + run.get("failureReason").asString("") + " | | |");
                continue;
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f |%n", entry.getKey(), run.get("state").asString(),
                    last, best);
        }
        if (finals.size() == 2) {
            System.out.printf(Locale.ROOT, "%nAlphaDecay − uniform: %+.2f validation perplexity (negative favours "
                    + "AlphaDecay; one seed and a short budget, so read it as a smoke test, not a result)%n",
                    finals.get("alphadecay") - finals.get("uniform"));
        }
        String adId = runs.get("alphadecay");
        try {
            JsonNode latest = call("GET", "/api/v1/runs/" + adId + "/analyses/latest", null);
            Map<String, double[]> byType = new TreeMap<>((a, b) -> RunResult.TYPES.indexOf(a) - RunResult.TYPES.indexOf(b));
            for (JsonNode module : latest.get("modules")) {
                if ("ok".equals(module.get("status").asString())) {
                    double[] sums = byType.computeIfAbsent(module.get("type").asString(), k -> new double[3]);
                    sums[0] += module.get("alpha").asDouble();
                    sums[1] += module.get("weightDecay").asDouble();
                    sums[2]++;
                }
            }
            System.out.println();
            System.out.println("AlphaDecay at step " + latest.get("step").asLong() + ", by module type:");
            System.out.println("| type | mean α | mean weight decay |");
            System.out.println("| --- | ---: | ---: |");
            byType.forEach((type, s) -> System.out.printf(Locale.ROOT, "| %s | %.3f | %.4f |%n", type, s[0] / s[2],
                    s[1] / s[2]));
        }
        catch (IllegalStateException ex) {
            System.out.println("(no analysis of the AlphaDecay run: " + ex.getMessage() + ")");
        }
        String report = "/api/v1/reports/compare?runs=" + String.join(",", runs.values());
        String saved;
        try {
            saved = saveReport(report, "quickstart-" + stamp + "-" + String.join("-vs-", runs.keySet()) + ".html")
                    .toString();
        }
        catch (IOException | IllegalStateException ex) {
            saved = "(not saved: " + ex.getMessage() + ")";
        }
        System.out.println();
        System.out.println("Where to look next:");
        System.out.println("  dashboard:   " + api.resolve("/#/compare?runs=" + String.join(",", runs.values()))
                + "  (asks for the operator token once)");
        System.out.println("  report:      " + saved);
        System.out.println("  report API:  " + api.resolve(report) + "  (and compare.png for the main chart)");
        System.out.println("  runs:        " + api.resolve("/api/v1/runs") + "  (Authorization: Bearer <operator token>)");
        System.out.println("  analyses:    " + api.resolve("/api/v1/runs/" + adId + "/analyses?includeModules=true"));
        System.out.println("  API browser: " + api.resolve("/swagger-ui.html"));
        System.out.println("  exports:     .alphadecay/exports/<run id>/ (config.json, model.safetensors, tokenizer.json)");
        return exit;
    }

    /** Fetches the comparison report and writes it to {@code <home>/reports/<fileName>}. */
    Path saveReport(String path, String fileName) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
        }
        Path file = Files.createDirectories(home.resolve("reports")).resolve(fileName);
        Files.write(file, response.body());
        return file.toAbsolutePath();
    }

    private Double last(String id, String name) throws IOException, InterruptedException {
        JsonNode points = call("GET", "/api/v1/runs/" + id + "/metrics?name=" + name + "&maxPoints=2", null)
                .get("points");
        return points.isEmpty() ? null : points.get(points.size() - 1).get("value").asDouble();
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }
}
