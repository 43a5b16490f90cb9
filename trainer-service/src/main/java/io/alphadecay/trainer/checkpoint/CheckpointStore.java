package io.alphadecay.trainer.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import io.alphadecay.trainer.data.Dirs;

/**
 * Full training checkpoints under {@code root/{run}/{step}}, one folder each. A checkpoint is written into a
 * temporary folder and renamed into place, so a crash never leaves a half-written checkpoint that looks complete;
 * a {@code MANIFEST} with each file's sha256 is written last and is what the checkpoint's own sha256 covers.
 */
public final class CheckpointStore {

    static final String MANIFEST = "MANIFEST";

    private final Path root;

    public CheckpointStore(Path root) {
        this.root = root;
    }

    /** Writes the files of one checkpoint. */
    @FunctionalInterface
    public interface Writer {
        void write(Path folder) throws IOException;
    }

    /** What the control-api is told about a committed checkpoint. */
    public record Committed(long step, Path folder, URI uri, long bytes, String sha256) {}

    public Committed write(UUID run, long step, Writer writer) throws IOException {
        Path runFolder = root.resolve(run.toString());
        Files.createDirectories(runFolder);
        Path temp = Files.createTempDirectory(runFolder, ".writing-" + step + "-");
        try {
            writer.write(temp);
            StringBuilder manifest = new StringBuilder();
            long bytes = 0;
            try (Stream<Path> files = Files.list(temp)) {
                for (Path file : files.sorted().toList()) {
                    manifest.append(sha256(file))
                            .append("  ")
                            .append(file.getFileName())
                            .append('\n');
                    bytes += Files.size(file);
                }
            }
            Path manifestFile = temp.resolve(MANIFEST);
            Files.writeString(manifestFile, manifest.toString(), StandardCharsets.UTF_8);
            bytes += Files.size(manifestFile);
            String sha = sha256(manifestFile);
            Path target = folder(run, step);
            if (Files.exists(target)) {
                Dirs.deleteRecursively(target); // a re-run of the same step after a resume replaces the older copy
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(temp, target);
            }
            return new Committed(step, target, target.toUri(), bytes, sha);
        } finally {
            if (Files.exists(temp)) {
                Dirs.deleteRecursively(temp);
            }
        }
    }

    /** The newest complete checkpoint of a run: a folder with a manifest whose files all verify. */
    public Optional<Path> latest(UUID run) throws IOException {
        for (Path folder : completed(run)) {
            if (verify(folder)) {
                return Optional.of(folder);
            }
        }
        return Optional.empty();
    }

    /** Keeps the newest {@code keep} checkpoints of a run and deletes the rest (and any abandoned temporaries). */
    public void prune(UUID run, int keep) throws IOException {
        List<Path> all = completed(run);
        for (int i = keep; i < all.size(); i++) {
            Dirs.deleteRecursively(all.get(i));
        }
        Path runFolder = root.resolve(run.toString());
        if (Files.isDirectory(runFolder)) {
            try (Stream<Path> entries = Files.list(runFolder)) {
                for (Path leftover : entries.filter(
                                p -> p.getFileName().toString().startsWith(".writing-"))
                        .toList()) {
                    Dirs.deleteRecursively(leftover);
                }
            }
        }
    }

    public static long stepOf(Path folder) {
        return Long.parseLong(folder.getFileName().toString());
    }

    /** Whether every file the manifest names is there with its recorded sha256. */
    public static boolean verify(Path folder) throws IOException {
        Path manifest = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            int split = line.indexOf("  ");
            if (split < 0) {
                return false;
            }
            Path file = folder.resolve(line.substring(split + 2));
            if (!file.normalize().startsWith(folder.normalize())
                    || !Files.isRegularFile(file)
                    || !sha256(file).equals(line.substring(0, split))) {
                return false;
            }
        }
        return true;
    }

    private Path folder(UUID run, long step) {
        return root.resolve(run.toString()).resolve(Long.toString(step));
    }

    /** Completed checkpoint folders, newest step first. */
    private List<Path> completed(UUID run) throws IOException {
        Path runFolder = root.resolve(run.toString());
        if (!Files.isDirectory(runFolder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(runFolder)) {
            List<Path> folders = new ArrayList<>(entries.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().matches("\\d{1,18}"))
                    .toList());
            folders.sort(Comparator.comparingLong(CheckpointStore::stepOf).reversed());
            return folders;
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
