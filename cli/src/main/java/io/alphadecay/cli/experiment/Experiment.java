package io.alphadecay.cli.experiment;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.Refused;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunState;
import io.alphadecay.cli.BuildVersion;
import io.alphadecay.cli.CliFailure;
import io.alphadecay.cli.Connection;
import io.alphadecay.cli.TerminalFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code alphadecay experiment}: launches every run of a grid through the control-api (with an Idempotency-Key per
 * run, so a second call attaches to the runs the first made), follows them until they end and writes the results.
 */
@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = "Launch a grid of runs (experiments/*.yaml), wait for them and write the results.",
        footer = "%nResults go to docs/results/<grid name>/ unless --out says otherwise. Exit status: 0 when every "
                + "run of the grid succeeded, 1 when one did not, 2 on bad usage or a refused call.")
public final class Experiment implements Callable<Integer> {

    @Mixin
    private Connection connection;

    @Option(names = "--grid", required = true, paramLabel = "FILE", description = "The grid (YAML).")
    private Path gridFile;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the results go (default: " + "docs/results/<grid name> under the project).")
    private Path outDir;

    @Option(
            names = "--report-only",
            description = "Launch nothing: write the results of the grid's runs found in " + "the control-api.")
    private boolean reportOnly;

    @Option(
            names = "--poll-millis",
            paramLabel = "MS",
            defaultValue = "5000",
            description = "How often the runs are polled (default: ${DEFAULT-VALUE}).")
    private long pollMillis;

    @Option(
            names = "--patience-minutes",
            paramLabel = "MIN",
            defaultValue = "60",
            description = "How long an unreachable control-api is waited for before giving up (default: "
                    + "${DEFAULT-VALUE}).")
    private long patienceMinutes;

    @Spec
    private CommandSpec spec;

    private ExperimentApi api;
    private PrintStream out;
    private Duration poll;

    @Override
    public Integer call() throws Exception {
        ExperimentGrid grid;
        try {
            grid = ExperimentGrid.parse(gridFile);
        } catch (ExperimentGrid.GridException ex) {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        Path root = Path.of(System.getProperty("alphadecay.experiment.root", "."));
        Path results = outDir != null ? outDir : root.resolve("docs/results").resolve(grid.name());
        this.api = new ExperimentApi(connection.client(Duration.ofMinutes(patienceMinutes)));
        this.out = System.out;
        this.poll = Duration.ofMillis(pollMillis);
        List<String> args = new ArrayList<>(List.of("--grid", gridFile.toString()));
        if (outDir != null) {
            args.addAll(List.of("--out", outDir.toString()));
        }
        if (reportOnly) {
            args.add("--report-only");
        }
        String command = "./alphadecay experiment "
                + String.join(" ", args.stream().map(Experiment::quote).toList());
        return run(grid, reportOnly, results, command);
    }

    /** Launches (unless report-only), waits and writes; 0 when every run succeeded, 1 otherwise. */
    int run(ExperimentGrid grid, boolean reportOnly, Path outDir, String command) throws Exception {
        Map<ExperimentGrid.Cell, String> ids = reportOnly ? find(grid) : launch(grid);
        if (ids.isEmpty()) {
            throw new CliFailure("no run of grid " + grid.name() + " is in the control-api at " + api.api()
                    + "; run it without --report-only first");
        }
        if (!reportOnly) {
            follow(grid, ids);
        }
        List<RunResult> results = new ArrayList<>();
        for (var entry : ids.entrySet()) {
            results.add(api.result(entry.getKey(), entry.getValue()));
        }
        ExperimentReport.write(outDir, grid, results, context(command));
        out.println("Results: " + outDir.resolve("summary.md"));
        return results.stream().allMatch(RunResult::succeeded)
                        && results.size() == grid.cells().size()
                ? 0
                : 1;
    }

    private Map<ExperimentGrid.Cell, String> launch(ExperimentGrid grid) throws ApiCallException {
        Map<ExperimentGrid.Cell, String> ids = new LinkedHashMap<>();
        int attached = 0;
        for (ExperimentGrid.Cell cell : grid.cells()) {
            Run run;
            try {
                run = api.create(grid.config(cell), grid.idempotencyKey(cell));
            } catch (Refused ex) {
                throw new CliFailure("the control-api refused run " + cell.runName(grid.name()) + " of "
                        + grid.name() + ": " + ex.detail()
                        + (ids.isEmpty() ? "" : " (" + ids.size() + " runs were already queued)"));
            }
            ids.put(cell, run.id().toString());
            if (run.state() != RunState.QUEUED || run.startedAt() != null) {
                attached++;
            }
        }
        out.println("Grid " + grid.name() + ": " + ids.size() + " runs ("
                + grid.policies().size() + " policies × "
                + grid.weightDecays().size() + " wd0 × " + grid.seeds().size() + " seeds)"
                + (attached > 0 ? ", " + attached + " of them already started earlier" : "")
                + "; trainers take them in order.");
        return ids;
    }

    private Map<ExperimentGrid.Cell, String> find(ExperimentGrid grid) throws ApiCallException {
        Map<ExperimentGrid.Cell, String> ids = new LinkedHashMap<>();
        for (ExperimentGrid.Cell cell : grid.cells()) {
            api.find(grid.config(cell))
                    .ifPresentOrElse(
                            run -> ids.put(cell, run.id().toString()),
                            () -> out.println("No run " + cell.runName(grid.name())
                                    + " with this grid's configuration; " + "it is left out"));
        }
        return ids;
    }

    /** Polls until every run ended: one line per run, redrawn on a terminal, printed on changes otherwise. */
    private void follow(ExperimentGrid grid, Map<ExperimentGrid.Cell, String> ids)
            throws ApiCallException, InterruptedException {
        boolean tty = System.console() != null && out == System.out;
        Map<String, String> printed = new HashMap<>();
        long lastFull = 0;
        TerminalFrame frame = new TerminalFrame();
        while (true) {
            List<String> lines = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            boolean done = true;
            for (var entry : ids.entrySet()) {
                Run run = api.run(entry.getValue());
                String state = run.state().name();
                done &= run.state().terminal();
                String line = line(entry.getKey().runName(grid.name()), run);
                lines.add(line);
                if (!state.equals(printed.put(entry.getValue(), state))) {
                    changed.add(line);
                }
            }
            if (tty) {
                out.print(frame.next(lines));
            } else if (System.currentTimeMillis() - lastFull > 60_000) {
                lines.forEach(out::println);
                lastFull = System.currentTimeMillis();
            } else {
                changed.forEach(out::println);
            }
            out.flush();
            if (done) {
                return;
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private static String line(String name, Run run) {
        Run.Progress progress = run.progress();
        double fraction = progress.fraction();
        int filled = (int) Math.round(fraction * 20);
        String eta = progress.etaSeconds() == null
                ? ""
                : String.format(Locale.ROOT, "  ETA %ds", progress.etaSeconds().longValue());
        String reason = run.failureReason() != null ? "  " + run.failureReason() : "";
        return String.format(
                Locale.ROOT,
                "%-40s %s %5.1f%%  step %6d/%-6d %-16s%s%s",
                name,
                "#".repeat(filled) + ".".repeat(20 - filled),
                100 * fraction,
                progress.step(),
                progress.totalSteps(),
                run.state().name(),
                eta,
                reason);
    }

    private ExperimentReport.Context context(String command) {
        List<String> machine = new ArrayList<>();
        long memory =
                ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                        ? os.getTotalMemorySize()
                        : -1;
        // The kernel's build string is left out: it names a host's image more than it describes the machine
        machine.add(String.format(
                Locale.ROOT,
                "%d cores, %s memory, %s (%s)",
                Runtime.getRuntime().availableProcessors(),
                memory < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", memory / (1024.0 * 1024 * 1024)),
                System.getProperty("os.name"),
                System.getProperty("os.arch")));
        List<String> software = new ArrayList<>();
        software.add("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
                + "), the harness's JVM");
        software.add(api.serverBuild()
                .map(build -> "control-api " + build + ", from its /actuator/info")
                .orElseGet(() -> "control-api " + BuildVersion.describe() + ", the harness's jar (the control-api's "
                        + "/actuator/info has no build information)"));
        return new ExperimentReport.Context(
                command, ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), machine, software);
    }

    /** An argument as a shell would need it, for the command line shown in the summary. */
    static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
