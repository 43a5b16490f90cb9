package io.alphadecay.cli;

/** The environment variables the commands read: the process's, or what a test sets in its place. */
public final class CliEnvironment {

    /** Looks up one variable; null when it is not set. */
    @FunctionalInterface
    public interface Source {
        String get(String name);
    }

    private static volatile Source source = System::getenv;

    private CliEnvironment() {}

    public static String get(String name) {
        return source.get(name);
    }

    public static Source source() {
        return source;
    }

    public static void use(Source variables) {
        source = variables;
    }
}
