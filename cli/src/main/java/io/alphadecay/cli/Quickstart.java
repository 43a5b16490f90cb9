package io.alphadecay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.analysis.DecayPolicy;
import io.alphadecay.api.analysis.ModuleAnalysis;
import io.alphadecay.api.analysis.ModuleType;
import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.api.run.RunState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The quickstart's client side: launches an AlphaDecay run and a uniform-decay run of the same configuration
 * through the REST API, shows their progress, and ends with a comparison. The launcher starts the services first.
 * The comparison report is saved under {@code $ALPHADECAY_HOME/reports/}.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = "Train an AlphaDecay and a uniform-decay run of cpu-small with the same seed, data and budget, "
                + "watch them and compare them (./alphadecay quickstart starts the services first).")
public final class Quickstart implements Callable<Integer> {

    private static final List<String> POLICIES =
            List.of(DecayPolicy.ALPHADECAY.wireName(), DecayPolicy.UNIFORM.wireName());

    @Mixin
    private Connection connection;

    @Spec
    private CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "STEPS",
            defaultValue = "300",
            description = "Steps per run, at least 10 (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--poll-millis", paramLabel = "MS", defaultValue = "2000", hidden = true)
    private long pollMillis;

    private ControlApiClient client;
    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        if (steps < 10) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "STEPS must be at least 10");
        }
        client = connection.client();
        out = spec.commandLine().getOut();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("MMdd-HHmmss"));
        Map<String, UUID> runs = new LinkedHashMap<>();
        for (String policy : POLICIES) {
            runs.put(
                    policy,
                    client.createRun(config("quickstart-" + policy + "-" + stamp, policy, steps), null)
                            .id());
        }
        URI api = client.base();
        out.println("Launched two cpu-small runs of " + steps + " steps with the same seed, data and budget:");
        runs.forEach((policy, id) -> out.println("  " + policy + ": " + api.resolve("/api/v1/runs/" + id)));
        out.println();
        follow(runs);
        return summary(runs, stamp);
    }

    /** The quickstart's run: cpu-small, 16 × 128 tokens a step, four analyses and six evaluations. */
    static RunConfig config(String name, String policy, int steps) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
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
        return RunFiles.config(body);
    }

    private void follow(Map<String, UUID> runs) throws ApiCallException, InterruptedException {
        boolean tty = System.console() != null;
        long lastPrint = 0;
        TerminalFrame frame = new TerminalFrame();
        while (true) {
            List<String> lines = new ArrayList<>();
            boolean done = true;
            for (var entry : runs.entrySet()) {
                Run run = client.run(entry.getValue());
                done &= run.state().terminal();
                lines.add(progressLine(entry.getKey(), run));
            }
            if (tty) {
                out.print(frame.next(lines));
                out.flush();
            } else if (System.currentTimeMillis() - lastPrint > 15_000 || done) {
                lines.forEach(out::println);
                out.flush();
                lastPrint = System.currentTimeMillis();
            }
            if (done) {
                return;
            }
            Thread.sleep(pollMillis);
        }
    }

    private String progressLine(String policy, Run run) throws ApiCallException {
        Run.Progress progress = run.progress();
        int filled = (int) Math.round(progress.fraction() * 30);
        String bar = "█".repeat(filled) + "░".repeat(30 - filled);
        Double loss = last(run.id(), "train_loss");
        Double ppl = last(run.id(), "val_perplexity");
        String eta = progress.etaSeconds() == null
                ? ""
                : String.format(Locale.ROOT, " ETA %ds", progress.etaSeconds().longValue());
        String spread = "";
        if (DecayPolicy.ALPHADECAY.wireName().equals(policy)) {
            List<Analysis> analyses = client.analyses(run.id(), false);
            if (!analyses.isEmpty()) {
                Analysis.Summary summary = analyses.get(analyses.size() - 1).summary();
                if (summary.alphaMin() != null) {
                    spread = String.format(Locale.ROOT, "  α %.2f–%.2f", summary.alphaMin(), summary.alphaMax());
                }
            }
        }
        return String.format(
                Locale.ROOT,
                "%-10s %s %5.1f%%  step %4d/%-4d  loss %-6s  val ppl %-8s %-9s%s%s",
                policy,
                bar,
                100 * progress.fraction(),
                progress.step(),
                progress.totalSteps(),
                loss == null ? "–" : String.format(Locale.ROOT, "%.3f", loss),
                ppl == null ? "–" : String.format(Locale.ROOT, "%.1f", ppl),
                run.state(),
                eta,
                spread);
    }

    private int summary(Map<String, UUID> runs, String stamp) throws ApiCallException {
        out.println();
        Map<String, Double> finals = new LinkedHashMap<>();
        int exit = 0;
        out.println("| run | state | final val ppl | best val ppl |");
        out.println("| --- | --- | ---: | ---: |");
        for (var entry : runs.entrySet()) {
            Run run = client.run(entry.getValue());
            List<MetricPoint> points = client.metrics(entry.getValue(), "val_perplexity", null);
            double best = points.stream().mapToDouble(MetricPoint::value).min().orElse(Double.NaN);
            Double last =
                    points.isEmpty() ? null : points.get(points.size() - 1).value();
            if (last != null) {
                finals.put(entry.getKey(), last);
            }
            if (run.state() != RunState.SUCCEEDED) {
                exit = 1;
                out.println("| " + entry.getKey() + " | " + run.state() + ": "
                        + (run.failureReason() == null ? "" : run.failureReason()) + " | | |");
                continue;
            }
            out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f |%n", entry.getKey(), run.state(), last, best);
        }
        if (finals.size() == 2) {
            out.printf(
                    Locale.ROOT,
                    "%nAlphaDecay − uniform: %+.2f validation perplexity (negative favours "
                            + "AlphaDecay; one seed and a short budget, so read it as a smoke test, not a result)%n",
                    finals.get("alphadecay") - finals.get("uniform"));
        }
        UUID adId = runs.get("alphadecay");
        Optional<Analysis> latest = client.latestAnalysis(adId);
        if (latest.isPresent()) {
            Map<String, double[]> byType =
                    new TreeMap<>((a, b) -> ModuleType.of(a).compareTo(ModuleType.of(b)));
            for (ModuleAnalysis module : latest.get().modules()) {
                if (module.ok() && module.weightDecay() != null && module.type() != null) {
                    double[] sums = byType.computeIfAbsent(module.type(), k -> new double[3]);
                    sums[0] += module.alpha();
                    sums[1] += module.weightDecay();
                    sums[2]++;
                }
            }
            out.println();
            out.println("AlphaDecay at step " + latest.get().step() + ", by module type:");
            out.println("| type | mean α | mean weight decay |");
            out.println("| --- | ---: | ---: |");
            byType.forEach(
                    (type, s) -> out.printf(Locale.ROOT, "| %s | %.3f | %.4f |%n", type, s[0] / s[2], s[1] / s[2]));
        } else {
            out.println("(no analysis of the AlphaDecay run)");
        }
        List<UUID> ids = List.copyOf(runs.values());
        String saved;
        try {
            saved = saveReport(ids, "quickstart-" + stamp + "-" + String.join("-vs-", runs.keySet()) + ".html")
                    .toString();
        } catch (IOException | ApiCallException ex) {
            saved = "(not saved: " + ex.getMessage() + ")";
        }
        URI api = client.base();
        String list = String.join(",", ids.stream().map(UUID::toString).toList());
        out.println();
        out.println("Where to look next:");
        out.println(
                "  dashboard:   " + api.resolve("/#/compare?runs=" + list) + "  (asks for the operator token once)");
        out.println("  report:      " + saved);
        out.println("  report API:  " + api.resolve("/api/v1/reports/compare?runs=" + list)
                + "  (and compare.png for the main chart)");
        out.println("  runs:        ./alphadecay runs list, ./alphadecay runs show " + adId);
        out.println("  analyses:    " + api.resolve("/api/v1/runs/" + adId + "/analyses?includeModules=true"));
        out.println("  API browser: " + api.resolve("/swagger-ui.html"));
        out.println("  exports:     .alphadecay/exports/<run id>/ (config.json, model.safetensors, tokenizer.json)");
        out.flush();
        return exit;
    }

    /** Fetches the comparison report and writes it to {@code $ALPHADECAY_HOME/reports/<fileName>}. */
    Path saveReport(List<UUID> runs, String fileName) throws IOException, ApiCallException {
        byte[] html = client.comparisonReport(runs);
        Path file =
                Files.createDirectories(Connection.home().resolve("reports")).resolve(fileName);
        Files.write(file, html);
        return file.toAbsolutePath();
    }

    private Double last(UUID id, String name) throws ApiCallException {
        List<MetricPoint> points = client.metrics(id, name, 2);
        return points.isEmpty() ? null : points.get(points.size() - 1).value();
    }
}
