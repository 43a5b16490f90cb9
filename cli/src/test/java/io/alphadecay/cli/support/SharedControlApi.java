package io.alphadecay.cli.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.cli.AlphadecayCli;
import io.alphadecay.testing.ServiceProcess;
import picocli.CommandLine;

/**
 * One real control-api (its jar, on its embedded PostgreSQL) for every CLI test in this JVM, started on first use
 * and stopped when the JVM ends: each test names its own runs.
 */
public final class SharedControlApi {

    private static ServiceProcess process;

    private SharedControlApi() {}

    public static synchronized URI url() {
        if (process == null) {
            process = ServiceProcess.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::close));
        }
        return process.url();
    }

    /** A client with the operator token. */
    public static ControlApiClient operator() {
        return ControlApiClient.builder(url(), ServiceProcess.OPERATOR_TOKEN).build();
    }

    /** A client with the service token: the tests play the trainer's part with it. */
    public static ControlApiClient worker() {
        return ControlApiClient.builder(url(), ServiceProcess.SERVICE_TOKEN).build();
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** What one command printed, and its exit status. */
    public record Result(int exit, String out, String err) {}

    /**
     * Runs one CLI command in this JVM against the shared control-api, with {@code environment} as the variables it
     * sees (the operator token and URL unless the test says otherwise).
     */
    public static Result run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AlphadecayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = TestEnvironment.with(environment, () -> cli.execute(args));
        return new Result(exit, out.toString(), err.toString());
    }

    public static Result run(String... args) {
        return run(
                Map.of(
                        "ALPHADECAY_CONTROL_API_URL",
                        url().toString(),
                        "ALPHADECAY_OPERATOR_TOKEN",
                        ServiceProcess.OPERATOR_TOKEN),
                args);
    }
}
