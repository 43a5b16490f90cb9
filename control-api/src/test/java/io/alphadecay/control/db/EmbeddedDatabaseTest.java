package io.alphadecay.control.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path data;

    @Test
    void aServerLeftRunningByAKilledProcessIsStoppedAndItsDataKept() throws Exception {
        Process owner = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        OrphanMaker.class.getName(),
                        data.toString())
                .redirectErrorStream(true)
                .start();
        String url;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream()))) {
            url = out.lines()
                    .filter(line -> line.startsWith("READY "))
                    .findFirst()
                    .orElseThrow()
                    .substring(6);
        }
        owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long orphanPid = Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        assertThat(ProcessHandle.of(orphanPid))
                .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        try (EmbeddedDatabase second = EmbeddedDatabase.start(data, 0);
                var connection = DriverManager.getConnection(second.jdbcUrl(), second.user(), "");
                var rs = connection.createStatement().executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(second.jdbcUrl()).isNotEqualTo(url);
        }
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    void redactsQueryParametersOfExternalUrls() {
        assertThat(DatabaseConfiguration.redact("jdbc:postgresql://db:5432/ad?password=secret"))
                .isEqualTo("jdbc:postgresql://db:5432/ad?…");
        assertThat(DatabaseConfiguration.redact("jdbc:postgresql://db:5432/ad"))
                .isEqualTo("jdbc:postgresql://db:5432/ad");
    }

    /** Run in a child JVM that the test kills, leaving its PostgreSQL server behind. */
    static final class OrphanMaker {

        public static void main(String[] args) throws Exception {
            EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]), 0);
            try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), "")) {
                connection.createStatement().execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
            }
            System.out.println("READY " + db.jdbcUrl());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
