package io.alphadecay.trainer.data.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Split;
import io.alphadecay.trainer.data.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserCorpusTest {

    @TempDir
    Path dir;

    private static Map<String, Split> splits(UserCorpus corpus) throws IOException {
        Map<String, Split> splits = new LinkedHashMap<>();
        corpus.forEach((split, document) -> splits.put(document.id(), split));
        return splits;
    }

    @Test
    void readsTextAndJsonLinesFiles() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "first document\r\nline two");
        Files.writeString(dir.resolve(".hidden.txt"), "skipped");
        Files.writeString(dir.resolve("notes.md"), "skipped");
        Files.createDirectories(dir.resolve("shards"));
        Files.writeString(
                dir.resolve("shards/b.jsonl"),
                "{\"text\": \"json one\", \"url\": \"x\"}\n\n{\"text\": \"json \\u00e9 two\"}\n{\"text\": \"  \"}\n");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("shards/c.json.gz")))) {
            out.write("{\"text\": \"gzipped\", \"timestamp\": \"2019\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> texts = new LinkedHashMap<>();
        UserCorpus.open(dir).forEach((split, document) -> texts.put(document.id(), document.text()));
        assertThat(texts)
                .containsExactly(
                        Map.entry("a.txt", "first document\nline two"),
                        Map.entry("shards/b.jsonl:1", "json one"),
                        Map.entry("shards/b.jsonl:3", "json é two"),
                        Map.entry("shards/c.json.gz:1", "gzipped"));
    }

    @Test
    void holdsOutAStableDisjointHashedShareAndNeverNone() throws Exception {
        TestData.textCorpus(dir.resolve("many"), 400, 20);
        Map<String, Split> first = splits(UserCorpus.open(dir.resolve("many")));
        Map<String, Split> second = splits(UserCorpus.open(dir.resolve("many")));
        assertThat(second).isEqualTo(first);
        long held = first.values().stream().filter(s -> s == Split.VALIDATION).count();
        long hashed = first.keySet().stream().filter(UserCorpus::hashHoldsOut).count();
        assertThat(hashed).isPositive();
        assertThat(held).isEqualTo(hashed).isBetween(1L, 12L);

        TestData.textCorpus(dir.resolve("few"), 3, 20);
        Map<String, Split> few = splits(UserCorpus.open(dir.resolve("few")));
        assertThat(few.values()).containsOnlyOnce(Split.VALIDATION);
        assertThat(splits(UserCorpus.open(dir.resolve("few")))).isEqualTo(few);
    }

    @Test
    void fingerprintFollowsTheFiles() throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "one");
        String before = UserCorpus.open(dir).fingerprint();
        assertThat(UserCorpus.open(dir).fingerprint()).isEqualTo(before);
        Files.writeString(file, "two");
        Files.setLastModifiedTime(
                file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        assertThat(UserCorpus.open(dir).fingerprint()).isNotEqualTo(before);
    }

    @Test
    void reportsBadInputClearly() throws Exception {
        Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{not json\n");
        assertThatThrownBy(() -> UserCorpus.open(dir).forEach((s, d) -> {}))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("bad.jsonl:2");
        Files.writeString(dir.resolve("bad.jsonl"), "{\"content\": \"no text field\"}\n");
        assertThatThrownBy(() -> UserCorpus.open(dir).forEach((s, d) -> {}))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no \"text\"");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> UserCorpus.open(empty))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("has no .txt");
    }
}
