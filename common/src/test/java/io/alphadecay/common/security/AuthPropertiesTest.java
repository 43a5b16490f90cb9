package io.alphadecay.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AuthPropertiesTest {

    @Test
    void tokensBindFromPropertiesAndDefaultToEmpty() {
        Binder configured = new Binder(new MapConfigurationPropertySource(Map.of(
                "alphadecay.auth.operator-token", "operator-secret-value",
                "alphadecay.auth.service-token", "service-secret-value")));
        AuthProperties auth =
                configured.bind("alphadecay.auth", AuthProperties.class).get();
        assertThat(auth.operatorToken()).isEqualTo("operator-secret-value");
        assertThat(auth.serviceToken()).isEqualTo("service-secret-value");

        AuthProperties empty = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("alphadecay.auth", AuthProperties.class);
        assertThat(empty.operatorToken()).isEmpty();
        assertThat(empty.serviceToken()).isEmpty();
    }

    @Test
    void theTokensNeverShowInItsText() {
        String text = new AuthProperties("operator-secret-value", "service-secret-value").toString();
        assertThat(text).doesNotContain("secret").contains("redacted");
    }
}
