package io.alphadecay.trainer.data.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderTest {

    @TempDir
    Path dir;

    @Test
    void extractsSelectedRegularFiles() throws Exception {
        byte[] tar = new TestData.Tar()
                .file("package/README.md", "readme")
                .file("package/data/a.txt", "alpha")
                .entry("package/data/link.txt", '2', new byte[0])
                .file("package/data/b.txt", "beta ✓")
                .bytes();
        List<Path> written = TarReader.extract(
                new ByteArrayInputStream(tar),
                dir,
                name -> name.startsWith("package/data/") ? "out/" + name.substring(13) : null);
        assertThat(written).containsExactly(dir.resolve("out/a.txt"), dir.resolve("out/b.txt"));
        assertThat(Files.readString(dir.resolve("out/b.txt"))).isEqualTo("beta ✓");
        assertThat(dir.resolve("README.md")).doesNotExist();
    }

    @Test
    void readsPaxLongNames() throws Exception {
        String longName = "package/data/" + "x".repeat(120) + ".txt";
        byte[] tar = new TestData.Tar().file(longName, "long").bytes();
        List<Path> written = TarReader.extract(new ByteArrayInputStream(tar), dir, name -> name.substring(13));
        assertThat(written).hasSize(1);
        assertThat(written.get(0).getFileName().toString()).hasSize(124);
    }

    @Test
    void refusesPathTraversal() {
        for (String evil : List.of("package/../../evil.txt", "/etc/evil.txt", "../evil.txt", "a/../../evil.txt")) {
            byte[] tar = new TestData.Tar()
                    .file("package/ok.txt", "ok")
                    .file(evil, "evil")
                    .bytes();
            assertThatThrownBy(() -> TarReader.extract(new ByteArrayInputStream(tar), dir, name -> name))
                    .as(evil)
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("evil.txt");
        }
        assertThat(dir.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void refusesASelectionThatEscapes() {
        byte[] tar = new TestData.Tar().file("package/ok.txt", "ok").bytes();
        assertThatThrownBy(() -> TarReader.extract(new ByteArrayInputStream(tar), dir, name -> "../escaped.txt"))
                .isInstanceOf(DataException.class);
    }

    @Test
    void refusesACorruptHeader() {
        byte[] tar = new TestData.Tar().file("package/ok.txt", "ok").bytes();
        tar[10] ^= 1;
        assertThatThrownBy(() -> TarReader.extract(new ByteArrayInputStream(tar), dir, name -> name))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("checksum");
    }
}
