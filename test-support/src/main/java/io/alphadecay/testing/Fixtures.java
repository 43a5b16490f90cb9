package io.alphadecay.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test material beside the repository, read by tests of several modules. */
public final class Fixtures {

    private Fixtures() {}

    /** A file of the golden checkpoint set, written with its expected values by an independent implementation. */
    public static Path golden(String file) {
        Path path = Path.of("..", "..", "shared", "fixtures", "esd", file);
        if (!Files.exists(path)) {
            throw new IllegalStateException("The golden fixture "
                    + path.toAbsolutePath().normalize()
                    + " is missing: the shared folder must sit beside the repository");
        }
        return path;
    }
}
