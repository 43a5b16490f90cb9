package io.alphadecay.common.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two bearer tokens. A token left unconfigured is generated once and stored under {@code home/secrets} with
 * owner-only permissions, so the other local services find the same one; token values never reach a log.
 */
public final class Tokens {

    static final int MIN_LENGTH = 16;
    private static final Logger log = LoggerFactory.getLogger(Tokens.class);

    private final byte[] operator;
    private final byte[] service;

    /** Configured tokens win; a blank one is read from, or generated into, {@code home/secrets}. */
    public Tokens(Path home, String operatorToken, String serviceToken) {
        Path secrets = home.resolve("secrets");
        this.operator = resolve("operator", operatorToken, secrets.resolve("operator-token"));
        this.service = resolve("service", serviceToken, secrets.resolve("service-token"));
        if (MessageDigest.isEqual(operator, service)) {
            throw new IllegalStateException("The operator and service tokens must differ");
        }
    }

    /** The service token, for calls this service makes to its peers. */
    public String serviceToken() {
        return new String(service, StandardCharsets.UTF_8);
    }

    /** The role a presented token grants, compared in constant time. */
    public Optional<Role> roleOf(String presented) {
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(candidate, operator)) {
            return Optional.of(Role.OPERATOR);
        }
        if (MessageDigest.isEqual(candidate, service)) {
            return Optional.of(Role.SERVICE);
        }
        return Optional.empty();
    }

    private static byte[] resolve(String role, String configured, Path file) {
        if (configured != null && !configured.isBlank()) {
            if (configured.strip().length() < MIN_LENGTH) {
                throw new IllegalStateException(
                        "The " + role + " token must have at least " + MIN_LENGTH + " characters");
            }
            return configured.strip().getBytes(StandardCharsets.UTF_8);
        }
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), role, ".tmp");
            setOwnerOnly(temp);
            Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
            try {
                // A hard link never replaces an existing file: when two services start at once, the first wins
                // and both end up reading the same token.
                Files.createLink(file, temp);
                log.info(
                        "No {} token configured: generated one in {}",
                        role,
                        file.toAbsolutePath().normalize());
            } catch (FileAlreadyExistsException ex) {
                // Another process created it first; use theirs.
            } finally {
                Files.deleteIfExists(temp);
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException("Cannot read or create the " + role + " token file " + file, ex);
        }
    }

    private static void setOwnerOnly(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ex) {
            // Not a POSIX file system: the directory's own protection applies.
        }
    }

    public enum Role {
        OPERATOR,
        SERVICE;

        public String authority() {
            return "ROLE_" + name();
        }
    }
}
