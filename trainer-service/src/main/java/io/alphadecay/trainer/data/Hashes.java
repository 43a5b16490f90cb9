package io.alphadecay.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Message digests of files and strings. */
public final class Hashes {

    private Hashes() {}

    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", ex);
        }
    }

    public static byte[] file(String algorithm, Path file) throws IOException {
        MessageDigest digest = digest(algorithm);
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    public static String sha256Hex(Path file) throws IOException {
        return HexFormat.of().formatHex(file("SHA-256", file));
    }

    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
