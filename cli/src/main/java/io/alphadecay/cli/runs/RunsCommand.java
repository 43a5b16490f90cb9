package io.alphadecay.cli.runs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.metric.MetricPoint;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.api.run.RunEvent;
import io.alphadecay.api.run.RunRequests;
import io.alphadecay.api.run.RunState;
import io.alphadecay.cli.CliFailure;
import io.alphadecay.cli.Connection;
import io.alphadecay.cli.RunFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code alphadecay runs list|show|create|cancel|logs}: the operator's everyday calls on runs. */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = "List, inspect, create and cancel runs.",
        subcommands = {
            RunsCommand.ListRuns.class,
            RunsCommand.Show.class,
            RunsCommand.Create.class,
            RunsCommand.Cancel.class,
            RunsCommand.Logs.class
        })
public final class RunsCommand {

    static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** What every subcommand shares: the connection and where output goes. */
    abstract static class RunCall implements Callable<Integer> {

        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        static UUID id(String text) {
            try {
                return UUID.fromString(text);
            } catch (IllegalArgumentException ex) {
                throw new CliFailure("'" + text + "' is not a run id (a UUID)");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The newest runs, one line each.")
    static final class ListRuns extends RunCall {

        @Option(
                names = "--state",
                paramLabel = "STATE",
                description = "Only runs in this state: ${COMPLETION-CANDIDATES}.")
        RunState state;

        @Option(names = "--name", paramLabel = "NAME", description = "Only runs with exactly this name.")
        String name;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "20",
                description = "At most this many " + "(default: ${DEFAULT-VALUE}, at most 500).")
        int limit;

        @Option(names = "--json", description = "The API's answer as JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() throws ApiCallException {
            if (limit < 1 || limit > 500) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 to 500");
            }
            RunRequests.Page page = connection.client().listRuns(state, name, null, limit);
            if (json) {
                out().println(JSON.writeValueAsString(page));
                return 0;
            }
            if (page.items().isEmpty()) {
                out().println("No runs" + (state != null || name != null ? " match" : " yet"));
                return 0;
            }
            out().printf(Locale.ROOT, "%-36s  %-28s %-16s %15s  %s%n", "ID", "NAME", "STATE", "STEP", "CREATED");
            for (Run run : page.items()) {
                out().printf(
                                Locale.ROOT,
                                "%-36s  %-28s %-16s %15s  %s%n",
                                run.id(),
                                abbreviate(run.name(), 28),
                                run.state(),
                                run.progress().step() + "/" + run.progress().totalSteps(),
                                run.createdAt());
            }
            if (page.nextCursor() != null) {
                out().println("(more runs: raise --limit or filter with --state or --name)");
            }
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One run: state, progress, the latest metrics and its configuration.")
    static final class Show extends RunCall {

        @Parameters(paramLabel = "ID", description = "The run id.")
        String id;

        @Option(names = "--json", description = "The API's answer as JSON.")
        boolean json;

        @Override
        public Integer call() throws ApiCallException {
            ControlApiClient client = connection.client();
            Run run = client.run(id(id));
            if (json) {
                out().println(JSON.writeValueAsString(run));
                return 0;
            }
            PrintWriter out = out();
            out.println("id:        " + run.id());
            out.println("name:      " + run.name());
            out.println("state:     " + run.state()
                    + (run.failureReason() == null ? "" : " (" + run.failureReason() + ")"));
            Run.Progress progress = run.progress();
            out.printf(
                    Locale.ROOT,
                    "progress:  step %d of %d (%.1f%%), %d tokens%s%n",
                    progress.step(),
                    progress.totalSteps(),
                    100 * progress.fraction(),
                    progress.tokensSeen(),
                    progress.etaSeconds() == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    ", ETA %d s",
                                    progress.etaSeconds().longValue()));
            out.println("attempt:   " + run.attempt()
                    + (run.lease() == null
                            ? ""
                            : ", leased to " + run.lease().owner() + " until "
                                    + run.lease().expiresAt()));
            out.println(
                    "created:   " + run.createdAt() + (run.startedAt() == null ? "" : ", started " + run.startedAt())
                            + (run.finishedAt() == null ? "" : ", finished " + run.finishedAt()));
            for (String metric : List.of("train_loss", "val_perplexity")) {
                List<MetricPoint> points = client.metrics(run.id(), metric, 2);
                if (!points.isEmpty()) {
                    MetricPoint last = points.get(points.size() - 1);
                    out.printf(Locale.ROOT, "%-10s %.4f at step %d%n", metric + ":", last.value(), last.step());
                }
            }
            RunConfig c = run.config();
            out.printf(
                    Locale.ROOT,
                    "config:    preset %s, %d steps, batch %d × %d tokens, %s lr %s, seed %d%n",
                    c.preset(),
                    c.steps(),
                    c.batchSize(),
                    c.sequenceLength(),
                    c.optimizer(),
                    c.learningRate(),
                    c.seed());
            out.printf(
                    Locale.ROOT,
                    "decay:     %s, wd0 %s, every %d steps, s1 %s, s2 %s, %s%n",
                    c.decay().policy(),
                    c.weightDecay(),
                    c.decay().interval(),
                    c.decay().s1(),
                    c.decay().s2(),
                    c.decay().estimator());
            return 0;
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a run from a JSON or YAML file of its configuration (- reads standard input).",
            footer =
                    "%nExample file (YAML):%n  name: ad-small%n  preset: cpu-small%n  steps: 2000%n  weightDecay: 0.1%n"
                            + "  decay: {policy: alphadecay, interval: 500}")
    static final class Create extends RunCall {

        @Parameters(paramLabel = "FILE", description = "The run configuration (JSON or YAML).")
        Path file;

        @Option(names = "--name", paramLabel = "NAME", description = "Use this name instead of the file's.")
        String name;

        @Option(
                names = "--idempotency-key",
                paramLabel = "KEY",
                description =
                        "Create at most one run for this key: " + "the same call again answers the run the first made.")
        String idempotencyKey;

        @Override
        public Integer call() throws ApiCallException {
            RunConfig config = RunFiles.read(file);
            if (name != null) {
                Map<String, Object> fields = JSON.convertValue(config, new TypeReference<Map<String, Object>>() {});
                fields.put("name", name);
                config = RunFiles.config(fields);
            }
            Run run = connection.client().createRun(config, idempotencyKey);
            out().println(run.id() + "  " + run.name() + "  " + run.state());
            return 0;
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Ask a run to stop: a queued run is cancelled at once, a running one at its next step.")
    static final class Cancel extends RunCall {

        @Parameters(paramLabel = "ID", description = "The run id.")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the run's event log.")
        String reason;

        @Override
        public Integer call() throws ApiCallException {
            Run run = connection.client().cancel(id(id), reason);
            out().println(run.id() + "  " + run.state());
            return 0;
        }
    }

    @Command(
            name = "logs",
            mixinStandardHelpOptions = true,
            description = "A run's event log: claims, analyses, checkpoints, warnings and its end.")
    static final class Logs extends RunCall {

        @Parameters(paramLabel = "ID", description = "The run id.")
        String id;

        @Option(
                names = {"-f", "--follow"},
                description = "Keep printing new events until the run ends.")
        boolean follow;

        @Option(names = "--poll-millis", paramLabel = "MS", defaultValue = "2000", hidden = true)
        long pollMillis;

        @Override
        public Integer call() throws ApiCallException, InterruptedException {
            ControlApiClient client = follow ? connection.client(Duration.ofMinutes(10)) : connection.client();
            UUID run = id(id);
            long after = 0;
            while (true) {
                // Read the state first: events written before the run ended are then all in the next page.
                boolean ended = client.run(run).state().terminal();
                List<RunEvent> events;
                do {
                    events = client.events(run, after, 500).events();
                    for (RunEvent event : events) {
                        out().printf(Locale.ROOT, "%s  %-8s %s%n", event.createdAt(), event.type(), event.message());
                        after = event.id();
                    }
                } while (events.size() == 500);
                out().flush();
                if (!follow || ended) {
                    return 0;
                }
                Thread.sleep(pollMillis);
            }
        }
    }

    private static String abbreviate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
