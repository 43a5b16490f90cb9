package io.alphadecay.control.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server whose data directory persists across restarts, so that the product runs on one machine
 * with nothing installed. A server left behind by a killed JVM is stopped first instead of blocking start-up.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration STALE_SERVER_WAIT = Duration.ofSeconds(30);

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    public static EmbeddedDatabase start(Path dataDirectory, int port) {
        try {
            Files.createDirectories(dataDirectory);
            stopOrphanedServer(dataDirectory);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60));
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            log.info(
                    "Using the embedded PostgreSQL on port {} with data in {}",
                    postgres.getPort(),
                    dataDirectory.toAbsolutePath().normalize());
            return new EmbeddedDatabase(postgres, dataDirectory);
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDirectory, ex);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private static void stopOrphanedServer(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        Optional<ProcessHandle> orphan = readPid(pidFile)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info()
                        .command()
                        .map(cmd -> cmd.contains("postgres"))
                        .orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        log.warn(
                "Stopping a PostgreSQL server (pid {}) left running on {} by an earlier process",
                orphan.get().pid(),
                dataDirectory);
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(STALE_SERVER_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception ex) {
            orphan.get().destroyForcibly();
        }
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).stream()
                    .findFirst()
                    .orElse("");
            return Optional.of(Long.parseLong(first.trim()));
        } catch (IOException | NumberFormatException ex) {
            return Optional.empty();
        }
    }
}
