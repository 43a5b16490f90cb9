package io.alphadecay.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.client.RetryPolicy;
import picocli.CommandLine.Option;

/**
 * Where the control-api is and the operator token to call it with: {@code --api} or
 * {@code ALPHADECAY_CONTROL_API_URL}; {@code --token-file}, else {@code ALPHADECAY_OPERATOR_TOKEN}, else the token
 * the control-api generated in {@code $ALPHADECAY_HOME/secrets/operator-token}. A picocli mixin of every command
 * that calls the API.
 */
public final class Connection {

    @Option(
            names = "--api",
            paramLabel = "URL",
            description = "The control-api (default: " + "$ALPHADECAY_CONTROL_API_URL, else http://localhost:8080).")
    private URI api;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "A file holding the operator token (default: "
                    + "$ALPHADECAY_OPERATOR_TOKEN, else $ALPHADECAY_HOME/secrets/operator-token).")
    private Path tokenFile;

    public URI api() {
        if (api != null) {
            return api;
        }
        String url = CliEnvironment.get("ALPHADECAY_CONTROL_API_URL");
        return URI.create(url == null || url.isBlank() ? "http://localhost:8080" : url.strip());
    }

    /** {@code $ALPHADECAY_HOME}, or {@code .alphadecay} in the working folder. */
    public static Path home() {
        String home = CliEnvironment.get("ALPHADECAY_HOME");
        return Path.of(home == null || home.isBlank() ? ".alphadecay" : home);
    }

    String token() {
        Path file = tokenFile;
        if (file == null) {
            String token = CliEnvironment.get("ALPHADECAY_OPERATOR_TOKEN");
            if (token != null && !token.isBlank()) {
                return token.strip();
            }
            file = home().resolve("secrets").resolve("operator-token");
        }
        try {
            String token = Files.readString(file).strip();
            if (token.isEmpty()) {
                throw new CliFailure("the token file " + file + " is empty");
            }
            return token;
        } catch (IOException ex) {
            throw new CliFailure("no operator token at " + file + " (set ALPHADECAY_OPERATOR_TOKEN, pass --token-file, "
                    + "or start the control-api once with ./alphadecay up to generate one)");
        }
    }

    /**
     * A client that waits up to {@code patience} for an unreachable or failing control-api, saying on stderr what
     * it waits for.
     */
    public ControlApiClient client(Duration patience) {
        return ControlApiClient.builder(api(), token())
                .optRequestTimeout(Duration.ofSeconds(60))
                .optRetry(RetryPolicy.patience(patience))
                .optRetryListener((call, failed, pause, cause) -> System.err.println(
                        "alphadecay: " + cause.getMessage() + "; retrying in " + Math.max(1, pause.toSeconds()) + " s"))
                .build();
    }

    /** A client for a short command: a restarting control-api is waited for a minute at most. */
    public ControlApiClient client() {
        return client(Duration.ofMinutes(1));
    }
}
