package io.alphadecay.trainer.data.source;

import java.io.IOException;
import java.nio.file.Path;

/** Downloads the tarball of a package into an empty directory and returns its path. */
@FunctionalInterface
interface PackageFetcher {
    Path fetch(NpmPackage pkg, Path directory) throws IOException;
}
