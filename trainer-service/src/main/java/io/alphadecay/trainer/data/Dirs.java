package io.alphadecay.trainer.data;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directory helpers for publishing a finished result in one step. */
public final class Dirs {

    private Dirs() {}

    /** A fresh, empty directory next to {@code target}, on the same file system so that a rename can publish it. */
    public static Path tempSibling(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
    }

    /**
     * Renames a finished {@code temp} to {@code target} atomically, so readers see either nothing or the whole
     * result. Returns false (and deletes {@code temp}) when another process published {@code target} first.
     */
    public static boolean publish(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (AtomicMoveNotSupportedException ex) {
            deleteRecursively(temp);
            throw new DataException("Cannot rename atomically into " + target.getParent() + ": " + ex.getMessage());
        } catch (FileSystemException ex) {
            // Renaming onto a directory another process just published fails with ENOTEMPTY, which Java reports
            // as a plain FileSystemException: theirs is as good as ours.
            if (!Files.exists(target)) {
                throw ex;
            }
            deleteRecursively(temp);
            return false;
        }
    }

    /** Moves a broken {@code target} out of the way (atomically) and deletes it. */
    public static void discard(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        Path trash = tempSibling(target).resolve("old");
        Files.move(target, trash, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(trash.getParent());
    }

    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
