package io.alphadecay.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root, seen from this module's tests (which run in the module's folder). */
public final class RepositoryFiles {

    private RepositoryFiles() {}

    public static Path root() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("mvnw"))) {
            throw new IllegalStateException(
                    "Run these tests from the deploy module's folder (mvnw not found in " + root + ")");
        }
        return root;
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
