package io.alphadecay.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {

    @TempDir
    Path home;

    @Test
    void configuredTokensGrantTheirRolesAndNothingElse() {
        Tokens tokens = new Tokens(home, "operator-0123456789abcdef", "service-0123456789abcdef");

        assertThat(tokens.roleOf("operator-0123456789abcdef")).contains(Tokens.Role.OPERATOR);
        assertThat(tokens.roleOf("service-0123456789abcdef")).contains(Tokens.Role.SERVICE);
        assertThat(tokens.roleOf("service-0123456789abcde")).isEmpty();
        assertThat(tokens.roleOf("")).isEmpty();
        assertThat(tokens.serviceToken()).isEqualTo("service-0123456789abcdef");
        assertThat(home.resolve("secrets")).doesNotExist();
    }

    @Test
    void missingTokensAreGeneratedOnceOwnerOnlyAndReused() throws Exception {
        Tokens first = new Tokens(home, "", null);
        Path file = home.resolve("secrets/service-token");
        String generated = Files.readString(file).strip();

        assertThat(generated).hasSizeGreaterThanOrEqualTo(40);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(first.roleOf(generated)).contains(Tokens.Role.SERVICE);
        assertThat(new Tokens(home, "", "").serviceToken()).isEqualTo(generated);
        try (var files = Files.list(home.resolve("secrets"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("operator-token", "service-token");
        }
    }

    @Test
    void servicesStartingTogetherAgreeOnOneGeneratedToken() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> tokens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Callable<String> start = () -> new Tokens(home, "", "").serviceToken();
            tokens.add(pool.submit(start));
        }
        String first = tokens.get(0).get();
        for (Future<String> token : tokens) {
            assertThat(token.get()).isEqualTo(first);
        }
        pool.shutdown();
    }

    @Test
    void rejectsWeakOrEqualTokens() {
        assertThatThrownBy(() -> new Tokens(home, "short", "service-0123456789abcdef"))
                .hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> new Tokens(home, "same-0123456789abcdef", "same-0123456789abcdef"))
                .hasMessageContaining("must differ");
    }
}
