package io.alphadecay.esd.support;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Most tests: fixed tokens, and reports sent to a closed port so that they fail fast. */
public abstract class EsdTestBase extends EsdHttp {

    public static final String SERVICE_TOKEN = "esd-service-test-token-0123";
    public static final String OPERATOR_TOKEN = "esd-operator-test-token-0123";

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("alphadecay.home", EsdHttp::home);
        registry.add("alphadecay.auth.service-token", () -> SERVICE_TOKEN);
        registry.add("alphadecay.auth.operator-token", () -> OPERATOR_TOKEN);
        registry.add("alphadecay.control-api-url", () -> "http://127.0.0.1:9");
        registry.add("alphadecay.report.attempts", () -> "2");
        registry.add("alphadecay.report.initial-backoff", () -> "10ms");
    }

    protected Response post(String query, byte[] body) {
        return post(query, body, SERVICE_TOKEN);
    }
}
