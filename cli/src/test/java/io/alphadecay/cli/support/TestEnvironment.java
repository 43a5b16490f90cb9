package io.alphadecay.cli.support;

import java.util.Map;
import java.util.function.IntSupplier;

import io.alphadecay.cli.CliEnvironment;

/** Runs a command with the environment variables a test chooses instead of the process's. */
public final class TestEnvironment {

    private TestEnvironment() {}

    public static synchronized int with(Map<String, String> variables, IntSupplier command) {
        CliEnvironment.Source previous = CliEnvironment.source();
        CliEnvironment.use(variables::get);
        try {
            return command.getAsInt();
        } finally {
            CliEnvironment.use(previous);
        }
    }
}
