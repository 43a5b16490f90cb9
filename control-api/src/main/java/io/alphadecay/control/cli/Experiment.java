package io.alphadecay.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
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
import java.util.Properties;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * {@code ./alphadecay experiment}: launches every run of a grid through the control-api (with an Idempotency-Key
 * per run, so a second call attaches to the runs the first made), follows them until they end and writes the
 * results. Arguments: control-api URL, operator token file, then {@code --grid FILE [--out DIR] [--report-only]}.
 */
public final class Experiment {

    private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    static final String USAGE = "usage: ./alphadecay experiment --grid FILE [--out DIR] [--report-only]";

    /** The command line after the URL and the token file. */
    record Options(Path grid, Path out, boolean reportOnly) {

        static Options parse(List<String> args) {
            Path grid = null;
            Path out = null;
            boolean reportOnly = false;
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "--grid" -> grid = Path.of(value(args, ++i, "--grid"));
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--report-only" -> reportOnly = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + args.get(i) + "'; " + USAGE);
                }
            }
            if (grid == null) {
                throw new IllegalArgumentException("--grid FILE is required; " + USAGE);
            }
            return new Options(grid, out, reportOnly);
        }

        private static String value(List<String> args, int i, String flag) {
            if (i >= args.size() || args.get(i).startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
            }
            return args.get(i);
        }
    }

    private final ExperimentApi api;
    private final PrintStream out;
    private final Duration poll;

    Experiment(ExperimentApi api, PrintStream out, Duration poll) {
        this.api = api;
        this.out = out;
        this.poll = poll;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("alphadecay: the experiment client takes the control-api URL, the token file and "
                    + "the options; " + USAGE);
            System.exit(2);
        }
        Path tokenFile = Path.of(args[1]);
        if (!Files.isReadable(tokenFile)) {
            System.err.println("alphadecay: no operator token at " + tokenFile + "; is the control-api up?");
            System.exit(2);
        }
        List<String> rest = List.of(args).subList(2, args.length);
        Options options;
        ExperimentGrid grid;
        try {
            options = Options.parse(rest);
            grid = ExperimentGrid.parse(options.grid());
        }
        catch (IllegalArgumentException | ExperimentGrid.GridException ex) {
            System.err.println("alphadecay: " + ex.getMessage());
            System.exit(2);
            return;
        }
        Path root = Path.of(System.getProperty("alphadecay.experiment.root", "."));
        Path outDir = options.out() != null ? options.out() : root.resolve("docs/results").resolve(grid.name());
        Duration patience = Duration.ofMinutes(Long.getLong("alphadecay.experiment.patience-minutes", 60));
        Duration poll = Duration.ofMillis(Long.getLong("alphadecay.experiment.poll-millis", 5000));
        ExperimentApi api = new ExperimentApi(URI.create(args[0]), Files.readString(tokenFile).strip(), patience,
                System.err);
        String command = "./alphadecay experiment " + String.join(" ", rest.stream().map(Experiment::quote).toList());
        try {
            System.exit(new Experiment(api, System.out, poll).run(grid, options.reportOnly(), outDir, command));
        }
        catch (ExperimentApi.Refused | IllegalStateException ex) {
            System.err.println("alphadecay: " + ex.getMessage());
            System.exit(2);
        }
    }

    /** Launches (unless report-only), waits and writes; 0 when every run succeeded, 1 otherwise. */
    int run(ExperimentGrid grid, boolean reportOnly, Path outDir, String command) throws Exception {
        Map<ExperimentGrid.Cell, String> ids = reportOnly ? find(grid) : launch(grid);
        if (ids.isEmpty()) {
            throw new IllegalStateException("no run of grid " + grid.name() + " is in the control-api at "
                    + api.api() + "; run it without --report-only first");
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
        return results.stream().allMatch(RunResult::succeeded) && results.size() == grid.cells().size() ? 0 : 1;
    }

    private Map<ExperimentGrid.Cell, String> launch(ExperimentGrid grid) throws InterruptedException {
        Map<ExperimentGrid.Cell, String> ids = new LinkedHashMap<>();
        int attached = 0;
        for (ExperimentGrid.Cell cell : grid.cells()) {
            JsonNode run;
            try {
                run = api.create(grid.config(cell), grid.idempotencyKey(cell));
            }
            catch (ExperimentApi.Refused ex) {
                throw new ExperimentApi.Refused(ex.status(), "the control-api refused run " + cell.runName(grid.name())
                        + " of " + grid.name() + ": " + ex.getMessage()
                        + (ids.isEmpty() ? "" : " (" + ids.size() + " runs were already queued)"));
            }
            ids.put(cell, run.get("id").asString());
            if (!"QUEUED".equals(run.get("state").asString()) || run.path("startedAt").isString()) {
                attached++;
            }
        }
        out.println("Grid " + grid.name() + ": " + ids.size() + " runs (" + grid.policies().size() + " policies × "
                + grid.weightDecays().size() + " wd0 × " + grid.seeds().size() + " seeds)"
                + (attached > 0 ? ", " + attached + " of them already started earlier" : "") + "; trainers take them in order.");
        return ids;
    }

    private Map<ExperimentGrid.Cell, String> find(ExperimentGrid grid) throws InterruptedException {
        Map<ExperimentGrid.Cell, String> ids = new LinkedHashMap<>();
        for (ExperimentGrid.Cell cell : grid.cells()) {
            api.find(grid.config(cell)).ifPresentOrElse(run -> ids.put(cell, run.get("id").asString()),
                    () -> out.println("No run " + cell.runName(grid.name()) + " with this grid's configuration; "
                            + "it is left out"));
        }
        return ids;
    }

    /** Polls until every run ended: one line per run, redrawn on a terminal, printed on changes otherwise. */
    private void follow(ExperimentGrid grid, Map<ExperimentGrid.Cell, String> ids) throws InterruptedException {
        boolean tty = System.console() != null && out == System.out;
        Map<String, String> printed = new HashMap<>();
        long lastFull = 0;
        int drawn = 0;
        while (true) {
            List<String> lines = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            boolean done = true;
            for (var entry : ids.entrySet()) {
                JsonNode run = api.get("/api/v1/runs/" + entry.getValue());
                String state = run.get("state").asString();
                done &= ENDED.contains(state);
                String line = line(entry.getKey().runName(grid.name()), run);
                lines.add(line);
                if (!state.equals(printed.put(entry.getValue(), state))) {
                    changed.add(line);
                }
            }
            if (tty) {
                StringBuilder frame = new StringBuilder();
                if (drawn > 0) {
                    frame.append("\u001b[").append(drawn).append('A');
                }
                lines.forEach(line -> frame.append("\r\u001b[2K").append(line).append('\n'));
                out.print(frame);
                drawn = lines.size();
            }
            else if (System.currentTimeMillis() - lastFull > 60_000) {
                lines.forEach(out::println);
                lastFull = System.currentTimeMillis();
            }
            else {
                changed.forEach(out::println);
            }
            out.flush();
            if (done) {
                return;
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private static String line(String name, JsonNode run) {
        JsonNode progress = run.get("progress");
        double fraction = progress.get("fraction").asDouble();
        int filled = (int) Math.round(fraction * 20);
        String eta = progress.get("etaSeconds").isNull() ? "" : String.format(Locale.ROOT, "  ETA %ds",
                (long) progress.get("etaSeconds").asDouble());
        String reason = run.path("failureReason").isString() ? "  " + run.get("failureReason").asString() : "";
        return String.format(Locale.ROOT, "%-40s %s %5.1f%%  step %6d/%-6d %-16s%s%s", name,
                "#".repeat(filled) + ".".repeat(20 - filled), 100 * fraction, progress.get("step").asLong(),
                progress.get("totalSteps").asLong(), run.get("state").asString(), eta, reason);
    }

    private ExperimentReport.Context context(String command) throws InterruptedException {
        List<String> machine = new ArrayList<>();
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        // The kernel's build string is left out: it names a host's image more than it describes the machine
        machine.add(String.format(Locale.ROOT, "%d cores, %s memory, %s (%s)",
                Runtime.getRuntime().availableProcessors(),
                memory < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", memory / (1024.0 * 1024 * 1024)),
                System.getProperty("os.name"), System.getProperty("os.arch")));
        List<String> software = new ArrayList<>();
        software.add("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
                + "), the harness's JVM");
        String server = null;
        try {
            JsonNode build = api.get("/actuator/info").path("build");
            if (build.path("version").isString()) {
                server = "control-api " + build.get("version").asString()
                        + (build.path("time").isString() ? " (built " + build.get("time").asString() + ")" : "")
                        + ", from its /actuator/info";
            }
        }
        catch (ExperimentApi.Refused ex) {
            // Not exposed to this token: the jar's own build info below.
        }
        software.add(server != null ? server : "control-api " + jarVersion() + ", the harness's jar (the "
                + "control-api's /actuator/info has no build information)");
        return new ExperimentReport.Context(command,
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), machine, software);
    }

    private static String jarVersion() {
        try (InputStream in = Experiment.class.getClassLoader().getResourceAsStream("META-INF/build-info.properties")) {
            if (in != null) {
                Properties build = new Properties();
                build.load(in);
                return build.getProperty("build.version", "unknown") + " (built " + build.getProperty("build.time", "?")
                        + ")";
            }
        }
        catch (IOException ex) {
            // Fall through.
        }
        return "dev";
    }

    /** An argument as a shell would need it, for the command line shown in the summary. */
    static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
