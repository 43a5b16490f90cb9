package io.alphadecay.cli;

import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.Refused;
import io.alphadecay.cli.experiment.Experiment;
import io.alphadecay.cli.runs.CompareCommand;
import io.alphadecay.cli.runs.RunsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code alphadecay} command line, started by the launcher ({@code ./alphadecay COMMAND}) or as
 * {@code java -jar alphadecay-cli.jar COMMAND}. Every command talks to the control-api's REST API with the operator
 * token. Exit status: 0 on success, 1 when what was asked for did not succeed (a failed run), 2 on bad usage or an
 * error explained in one line.
 */
@Command(
        name = "alphadecay",
        mixinStandardHelpOptions = true,
        versionProvider = BuildVersion.class,
        description = "Train LLaMA-style models with AlphaDecay through the control-api.",
        subcommands = {
            Quickstart.class,
            Experiment.class,
            RunsCommand.class,
            CompareCommand.class,
            CommandLine.HelpCommand.class
        })
public final class AlphadecayCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree with its one-line error handling; tests run it in process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AlphadecayCli());
        cli.setExecutionExceptionHandler((ex, command, parsed) -> {
            command.getErr().println("alphadecay: " + message(ex));
            return 2;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine command = ex.getCommandLine();
            command.getErr().println("alphadecay: " + ex.getMessage());
            command.getErr().println("(see " + command.getCommandSpec().qualifiedName() + " --help)");
            return 2;
        });
        return cli;
    }

    private static String message(Exception ex) {
        if (ex instanceof Refused refused) {
            return "the control-api refused it (" + refused.status() + "): " + refused.detail();
        }
        if (ex instanceof ApiCallException || ex instanceof CliFailure) {
            return ex.getMessage();
        }
        return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
    }
}
