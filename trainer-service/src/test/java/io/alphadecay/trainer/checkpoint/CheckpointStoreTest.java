package io.alphadecay.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    @TempDir
    Path root;

    private final UUID run = UUID.randomUUID();

    @Test
    void writesAtomicallyWithAManifestAndFindsTheLatest() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        CheckpointStore.Committed first =
                store.write(run, 100, folder -> Files.writeString(folder.resolve("model"), "a"));
        CheckpointStore.Committed second =
                store.write(run, 200, folder -> Files.writeString(folder.resolve("model"), "bb"));

        assertThat(first.folder()).isEqualTo(root.resolve(run.toString()).resolve("100"));
        assertThat(second.sha256()).hasSize(64).isNotEqualTo(first.sha256());
        assertThat(second.bytes()).isGreaterThan(2);
        assertThat(second.uri().getScheme()).isEqualTo("file");
        assertThat(store.latest(run)).contains(second.folder());
        assertThat(CheckpointStore.stepOf(second.folder())).isEqualTo(200);
    }

    @Test
    void aCrashWhileWritingLeavesNoCheckpointBehind() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        store.write(run, 100, folder -> Files.writeString(folder.resolve("model"), "a"));

        assertThatThrownBy(() -> store.write(run, 200, folder -> {
                    Files.writeString(folder.resolve("model"), "half");
                    throw new IOException("disk full");
                }))
                .hasMessage("disk full");

        assertThat(store.latest(run).map(CheckpointStore::stepOf)).contains(100L);
        try (var entries = Files.list(root.resolve(run.toString()))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("100");
        }
    }

    @Test
    void aCorruptedCheckpointIsSkippedInFavourOfAnOlderOne() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        store.write(run, 100, folder -> Files.writeString(folder.resolve("model"), "good"));
        CheckpointStore.Committed broken =
                store.write(run, 200, folder -> Files.writeString(folder.resolve("model"), "x"));
        Files.writeString(broken.folder().resolve("model"), "tampered");

        assertThat(store.latest(run).map(CheckpointStore::stepOf)).contains(100L);
    }

    @Test
    void prunesToTheNewestKeepCheckpoints() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        for (long step = 1; step <= 5; step++) {
            long s = step;
            store.write(run, step * 10, folder -> Files.writeString(folder.resolve("model"), "v" + s));
        }
        Files.createDirectories(root.resolve(run.toString()).resolve(".writing-60-abandoned"));

        store.prune(run, 2);

        try (var entries = Files.list(root.resolve(run.toString()))) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("50", "40");
        }
        assertThat(store.latest(UUID.randomUUID())).isEmpty();
    }
}
