package io.alphadecay.control.support;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Integration tests over real HTTP against the whole control-api and a real PostgreSQL. All subclasses share one
 * application context (same configuration), so each test names its own runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTestBase {

    public static final String OPERATOR_TOKEN = "operator-test-token-0123456789";
    public static final String SERVICE_TOKEN = "service-test-token-0123456789";

    private static final Path HOME = createHome();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    protected Api operator;
    protected Api service;
    protected Api anonymous;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.get();
        registry.add("alphadecay.db.url", db::url);
        registry.add("alphadecay.db.user", db::user);
        registry.add("alphadecay.db.password", db::password);
        registry.add("alphadecay.home", HOME::toString);
        registry.add("alphadecay.auth.operator-token", () -> OPERATOR_TOKEN);
        registry.add("alphadecay.auth.service-token", () -> SERVICE_TOKEN);
        registry.add("alphadecay.leases.ttl", () -> "30s");
        registry.add("alphadecay.leases.reaper-interval", () -> "1h");
        registry.add("alphadecay.monitoring.refresh-interval", () -> "1h");
    }

    @BeforeEach
    void clients() {
        operator = new Api(port, OPERATOR_TOKEN);
        service = new Api(port, SERVICE_TOKEN);
        anonymous = new Api(port, null);
    }

    /** Ends every run other tests left active, for tests that claim "the oldest queued run" or reap leases. */
    protected void drainQueue() {
        jdbc.sql(
                        "UPDATE runs SET state = 'CANCELLED', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL "
                                + "WHERE state IN ('QUEUED', 'RUNNING', 'CANCEL_REQUESTED')")
                .update();
    }

    protected static String uniqueName(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime());
    }

    private static Path createHome() {
        try {
            Path home = java.nio.file.Files.createTempDirectory("alphadecay-test-home");
            home.toFile().deleteOnExit();
            return home;
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
