package io.alphadecay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real service started from its built jar in a process of its own, so that tests cross a real HTTP boundary
 * between services: the control-api (with its embedded PostgreSQL), the esd-service or the trainer-service. The
 * reactor builds them before the modules whose tests use them.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final String OPERATOR_TOKEN = "e2e-operator-token-0123456789";
    public static final String SERVICE_TOKEN = "e2e-service-token-0123456789";

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The control-api on the embedded PostgreSQL, with the two test tokens. */
    public static ServiceProcess start() {
        return startService("control-api", List.of("--alphadecay.db.url="));
    }

    /** An esd-service that reports to the given control-api, with the same tokens. */
    public static ServiceProcess startEsd(URI controlApi) {
        return startService("esd-service", List.of("--alphadecay.control-api-url=" + controlApi));
    }

    /** A trainer-service worker that claims runs from the control-api and sends checkpoints to the esd-service. */
    public static ServiceProcess startTrainer(URI controlApi, URI esd, List<String> extraArgs) {
        List<String> args =
                new ArrayList<>(List.of("--alphadecay.control-api-url=" + controlApi, "--alphadecay.esd-url=" + esd));
        args.addAll(extraArgs);
        return startService("trainer-service", args);
    }

    /** Any of the services (its module name) with the two test tokens and the given command-line settings. */
    public static ServiceProcess startService(String module, List<String> extraArgs) {
        Path jar = Path.of("..", module, "target", module + ".jar"); // tests run in their module's folder
        if (!Files.exists(jar)) {
            throw new IllegalStateException("This test needs the " + module + " jar; build it first with "
                    + "./mvnw -B -DskipTests package -pl " + module + " -am (./mvnw -B verify builds it on the way)");
        }
        try {
            int port = freePort();
            Path home = Files.createTempDirectory("it-" + module);
            Path log = home.resolve(module + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    jar.toAbsolutePath().toString(),
                    "--server.port=" + port,
                    "--alphadecay.home=" + home,
                    "--alphadecay.auth.operator-token=" + OPERATOR_TOKEN,
                    "--alphadecay.auth.service-token=" + SERVICE_TOKEN));
            command.addAll(extraArgs);
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            ServiceProcess started = new ServiceProcess(builder.start(), port, log);
            started.awaitHealthy(Duration.ofSeconds(120));
            return started;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A call with the operator token; the body is JSON text or null. */
    public HttpResponse<String> asOperator(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        jsonBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(jsonBody));
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    public int port() {
        return port;
    }

    /** The service's log so far, for assertion messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException ex) {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited early:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> health = client.send(
                        HttpRequest.newBuilder(url().resolve("/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException ex) {
                // Not listening yet.
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException(ex);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException(ex);
            }
        }
        close();
        throw new IllegalStateException(
                "The service did not become healthy in " + timeout + ":\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
