package io.alphadecay.control.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL for the whole test JVM: a Testcontainers server where a Docker engine answers, the embedded
 * server otherwise. Both stop with the JVM.
 */
public final class TestDatabase {

    private static volatile Connection connection;

    private TestDatabase() {}

    public record Connection(String url, String user, String password, String kind) {}

    public static Connection get() {
        if (connection == null) {
            synchronized (TestDatabase.class) {
                if (connection == null) {
                    connection = start();
                }
            }
        }
        return connection;
    }

    private static Connection start() {
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new Connection(
                    container.getJdbcUrl(), container.getUsername(), container.getPassword(), "testcontainers");
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("alphadecay-test-pg"))
                    .setCleanDataDirectory(true)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // The JVM is going away; the temporary directory goes with the OS clean-up.
                }
            }));
            return new Connection(
                    "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                    "postgres",
                    "postgres",
                    "embedded");
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL for tests", ex);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError ex) {
            return false;
        }
    }
}
