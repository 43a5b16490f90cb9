package io.alphadecay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.alphadecay.api.analysis.ModuleAnalysis;
import io.alphadecay.api.analysis.NewAnalysis;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunState;
import io.alphadecay.cli.support.SharedControlApi;
import io.alphadecay.cli.support.SharedControlApi.Result;
import io.alphadecay.testing.ServiceProcess;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every CLI command run as an operator runs it, against a real control-api over HTTP. Where a command waits for
 * runs to end, the test plays the trainer's part through the worker API with the service token.
 */
class CommandsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void everyCommandHasHelp() {
        List<String> paths = new ArrayList<>();
        collect(AlphadecayCli.commandLine(), "", paths);
        assertThat(paths)
                .contains(
                        "quickstart",
                        "experiment",
                        "runs",
                        "runs list",
                        "runs show",
                        "runs create",
                        "runs cancel",
                        "runs logs",
                        "compare");
        for (String path : paths) {
            List<String> args = new ArrayList<>(List.of(path.split(" ")));
            args.add("--help");
            Result help = SharedControlApi.run(Map.of(), args.toArray(String[]::new));
            assertThat(help.exit()).as(path).isZero();
            assertThat(help.out())
                    .as(path)
                    .startsWith("Usage: alphadecay " + path)
                    .contains("-h, --help");
        }
        Result top = SharedControlApi.run(Map.of(), "--help");
        assertThat(top.out()).contains("quickstart", "experiment", "runs", "compare");
    }

    private static void collect(CommandLine command, String prefix, List<String> paths) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                String path = (prefix + " " + name).strip();
                paths.add(path);
                collect(sub, path, paths);
            }
        });
    }

    @Test
    void runsCreateListShowCancelAndLogs() throws Exception {
        String name = SharedControlApi.uniqueName("cli-yaml");
        Path yaml = Files.writeString(
                dir.resolve("run.yaml"),
                "name: " + name + "\npreset: tiny\nsteps: 50\n" + "weightDecay: 0.2\ndecay:\n  policy: uniform\n");
        Path json = Files.writeString(dir.resolve("run.json"), "{\"preset\": \"tiny\", \"steps\": 40}");

        Result created = SharedControlApi.run("runs", "create", yaml.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        String id = created.out().split("\\s+")[0];
        assertThat(created.out()).contains(name, "QUEUED");
        Result fromJson = SharedControlApi.run("runs", "create", json.toString(), "--name", name + "-json");
        assertThat(fromJson.exit()).as(fromJson.err()).isZero();
        assertThat(fromJson.out()).contains(name + "-json");

        Result list = SharedControlApi.run("runs", "list", "--name", name);
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains(id, "QUEUED", "0/50").doesNotContain(name + "-json");
        JsonNode listed = JSON.readTree(
                SharedControlApi.run("runs", "list", "--name", name, "--json").out());
        assertThat(listed.get("items")).hasSize(1);

        Result show = SharedControlApi.run("runs", "show", id);
        assertThat(show.out())
                .contains("name:      " + name, "state:     QUEUED", "preset tiny, 50 steps", "uniform, wd0 0.2");
        JsonNode shown =
                JSON.readTree(SharedControlApi.run("runs", "show", id, "--json").out());
        assertThat(shown.at("/config/weightDecay").asDouble()).isEqualTo(0.2);

        Result cancelled = SharedControlApi.run("runs", "cancel", id, "--reason", "not needed after all");
        assertThat(cancelled.out()).contains(id, "CANCELLED");
        assertThat(SharedControlApi.operator().run(UUID.fromString(id)).state()).isEqualTo(RunState.CANCELLED);

        Result logs = SharedControlApi.run("runs", "logs", id, "--follow");
        assertThat(logs.exit()).isZero();
        assertThat(logs.out()).contains("Run created and queued", "QUEUED → CANCELLED: not needed after all");
    }

    @Test
    void badInputIsOneLineAndSendsNothing() throws Exception {
        String name = SharedControlApi.uniqueName("cli-bad");
        Path misspelt = Files.writeString(dir.resolve("bad.yaml"), "name: " + name + "\npreset: tiny\nstepz: 5\n");
        Result unknown = SharedControlApi.run("runs", "create", misspelt.toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("stepz").hasLineCount(1);
        assertThat(SharedControlApi.operator().listRuns(null, name, null, 10).items())
                .isEmpty();

        Path refused = Files.writeString(dir.resolve("refused.json"), "{\"name\": \"" + name + "\", \"steps\": 0}");
        Result problem = SharedControlApi.run("runs", "create", refused.toString());
        assertThat(problem.exit()).isEqualTo(2);
        assertThat(problem.err()).contains("refused it (400)", "steps").hasLineCount(1);

        Result notAnId = SharedControlApi.run("runs", "show", "nope");
        assertThat(notAnId.exit()).isEqualTo(2);
        assertThat(notAnId.err()).contains("'nope' is not a run id");

        Result missing = SharedControlApi.run("runs", "show", UUID.randomUUID().toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("refused it (404)", "not found");

        Result usage = SharedControlApi.run("compare", UUID.randomUUID().toString());
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("alphadecay compare --help");

        Result noToken = SharedControlApi.run(
                Map.of(
                        "ALPHADECAY_CONTROL_API_URL",
                        SharedControlApi.url().toString(),
                        "ALPHADECAY_HOME",
                        dir.resolve("empty-home").toString()),
                "runs",
                "list");
        assertThat(noToken.exit()).isEqualTo(2);
        assertThat(noToken.err()).contains("no operator token at").hasLineCount(1);

        Result wrongToken = SharedControlApi.run(
                Map.of(
                        "ALPHADECAY_CONTROL_API_URL",
                        SharedControlApi.url().toString(),
                        "ALPHADECAY_OPERATOR_TOKEN",
                        "not-the-token-0123456789"),
                "runs",
                "list");
        assertThat(wrongToken.exit()).isEqualTo(2);
        assertThat(wrongToken.err()).contains("401").doesNotContain("not-the-token");
    }

    @Test
    void theTokenComesFromTheHomeWhenTheEnvironmentHasNone() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("secrets"));
        Files.writeString(home.resolve("secrets/operator-token"), ServiceProcess.OPERATOR_TOKEN + "\n");
        Result list = SharedControlApi.run(
                Map.of(
                        "ALPHADECAY_CONTROL_API_URL",
                        SharedControlApi.url().toString(),
                        "ALPHADECAY_HOME",
                        home.toString()),
                "runs",
                "list",
                "--limit",
                "1");
        assertThat(list.exit()).as(list.err()).isZero();
    }

    @Test
    void compareSavesTheReport() throws Exception {
        ControlApiClient operator = SharedControlApi.operator();
        UUID first = operator.createRun(Quickstart.config(SharedControlApi.uniqueName("cmp-a"), "alphadecay", 20), null)
                .id();
        UUID second = operator.createRun(Quickstart.config(SharedControlApi.uniqueName("cmp-b"), "uniform", 20), null)
                .id();
        Path file = dir.resolve("report.html");

        Result compared = SharedControlApi.run("compare", first.toString(), second.toString(), "-o", file.toString());

        assertThat(compared.exit()).as(compared.err()).isZero();
        assertThat(compared.out().strip()).isEqualTo(file.toAbsolutePath().toString());
        assertThat(Jsoup.parse(Files.readString(file)).select("#runs-table tbody tr"))
                .extracting(tr -> tr.attr("data-run"))
                .containsExactly(first.toString(), second.toString());

        Path home = dir.resolve("home");
        Result defaulted = SharedControlApi.run(
                Map.of(
                        "ALPHADECAY_CONTROL_API_URL",
                        SharedControlApi.url().toString(),
                        "ALPHADECAY_OPERATOR_TOKEN",
                        ServiceProcess.OPERATOR_TOKEN,
                        "ALPHADECAY_HOME",
                        home.toString()),
                "compare",
                first.toString(),
                second.toString());
        assertThat(Path.of(defaulted.out().strip()))
                .exists()
                .hasParent(home.resolve("reports").toAbsolutePath());
    }

    @Test
    void quickstartFollowsBothRunsAndSummarisesThem() throws Exception {
        cancelQueuedRuns();
        Path home = dir.resolve("home");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread worker = new Thread(() -> finishRuns(2, failed), "test-worker");
        worker.start();

        Result quickstart = SharedControlApi.run(
                Map.of(
                        "ALPHADECAY_CONTROL_API_URL",
                        SharedControlApi.url().toString(),
                        "ALPHADECAY_OPERATOR_TOKEN",
                        ServiceProcess.OPERATOR_TOKEN,
                        "ALPHADECAY_HOME",
                        home.toString()),
                "quickstart",
                "12",
                "--poll-millis",
                "100");
        worker.join(30_000);

        assertThat(failed.get()).isNull();
        assertThat(quickstart.exit()).as(quickstart.out() + quickstart.err()).isZero();
        assertThat(quickstart.out())
                .contains(
                        "Launched two cpu-small runs of 12 steps",
                        "| alphadecay | SUCCEEDED | 30.00 | 30.00 |",
                        "| uniform | SUCCEEDED | 32.00 | 32.00 |",
                        "AlphaDecay − uniform: -2.00",
                        "| q | 2.000 | 0.0667 |",
                        "| up | 4.000 | 0.5000 |");
        try (var reports = Files.list(home.resolve("reports"))) {
            assertThat(reports.toList())
                    .singleElement()
                    .satisfies(report -> assertThat(
                                    Jsoup.parse(Files.readString(report)).select("#runs-table tbody tr"))
                            .hasSize(2));
        }
    }

    /** Cancels what earlier tests left queued, so the test worker claims only the runs of its own test. */
    static void cancelQueuedRuns() throws Exception {
        ControlApiClient operator = SharedControlApi.operator();
        for (Run run : operator.listRuns(RunState.QUEUED, null, null, 500).items()) {
            operator.cancel(run.id(), "cleared by a test");
        }
    }

    /**
     * The trainer's part for {@code count} runs: claims each, writes its metrics (validation perplexity 30 for
     * AlphaDecay, 32 otherwise), an analysis for an AlphaDecay run, and reports it SUCCEEDED.
     */
    static void finishRuns(int count, AtomicReference<Throwable> failed) {
        ControlApiClient worker = SharedControlApi.worker();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            int done = 0;
            while (done < count && System.currentTimeMillis() < deadline) {
                Optional<Run> claimed = worker.claim("cli-test-worker", Map.of());
                if (claimed.isEmpty()) {
                    Thread.sleep(50);
                    continue;
                }
                Run run = claimed.get();
                long steps = run.config().steps();
                boolean alphaDecay = "alphadecay".equals(run.config().decay().policy());
                double perplexity = alphaDecay ? 30 : 32;
                worker.postMetrics(
                        run.id(),
                        List.of(
                                new MetricPoint("train_loss", steps, 3.4, null),
                                new MetricPoint("val_perplexity", steps / 2, perplexity + 10, null),
                                new MetricPoint("val_perplexity", steps, perplexity, null)));
                if (alphaDecay) {
                    worker.reportAnalysis(
                            run.id().toString(),
                            new NewAnalysis(
                                    steps,
                                    "median-hill",
                                    "alphadecay",
                                    0.1,
                                    0.6666,
                                    5.0,
                                    12.0,
                                    List.of(
                                            module("model.layers.1.self_attn.q_proj.weight", "q", 2.0, 0.0667),
                                            module("model.layers.1.mlp.up_proj.weight", "up", 4.0, 0.5))));
                }
                worker.heartbeat(run.id(), "cli-test-worker", steps, steps * 16 * 128, 0.0);
                worker.reportState(run.id(), "cli-test-worker", RunState.SUCCEEDED, null, steps);
                done++;
            }
        } catch (Throwable ex) {
            failed.set(ex);
        }
    }

    private static ModuleAnalysis module(String name, String type, double alpha, double weightDecay) {
        return new ModuleAnalysis(
                name, 1, type, 64, 64, 64, alpha, 0.5, 0.05, 9.0, 3.0, 0.9, alpha * 0.9, "ok", weightDecay);
    }
}
