package io.alphadecay.cli.runs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.cli.CliFailure;
import io.alphadecay.cli.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code alphadecay compare ID ID...}: the control-api's comparison report, saved as one HTML file. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Save the comparison report of two to eight runs (curves, α and decays by module type, "
                + "configuration differences) as a standalone HTML page.")
public final class CompareCommand implements Callable<Integer> {

    @Mixin
    private Connection connection;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "2..8", description = "The runs to compare.")
    private List<String> ids;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE",
            description = "Where to save it (default: " + "$ALPHADECAY_HOME/reports/compare-<first ids>.html).")
    private Path out;

    @Override
    public Integer call() throws ApiCallException {
        List<UUID> runs = ids.stream().map(RunsCommand.RunCall::id).toList();
        byte[] html = connection.client().comparisonReport(runs);
        Path file = out != null
                ? out
                : Connection.home()
                        .resolve("reports")
                        .resolve("compare-"
                                + String.join(
                                        "-",
                                        runs.stream()
                                                .map(id -> id.toString().substring(0, 8))
                                                .toList()) + ".html");
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.write(file, html);
        } catch (IOException ex) {
            throw new CliFailure("cannot write the report to " + file + " (" + ex.getMessage() + ")");
        }
        spec.commandLine().getOut().println(file.toAbsolutePath());
        return 0;
    }
}
