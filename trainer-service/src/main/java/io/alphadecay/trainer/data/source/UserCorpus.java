package io.alphadecay.trainer.data.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import io.alphadecay.trainer.data.Corpus;
import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Document;
import io.alphadecay.trainer.data.Hashes;
import io.alphadecay.trainer.data.Split;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user's dataset: a directory (searched recursively) of {@code .txt} files, one document each, and of JSON-lines
 * files ({@code .jsonl}, {@code .json}, optionally gzipped, as C4 shards are) with one document per line in its
 * {@code text} field. A single such file works too. The held-out split is a hash of each document id: 1 in
 * {@value #HOLD_OUT_ONE_IN} documents, and never none.
 */
public final class UserCorpus implements Corpus {

    static final int HOLD_OUT_ONE_IN = 100;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root;
    private final List<Path> files;
    private final String fingerprint;
    private String fallback; // the id held out when the hash holds out none; "" once known to be unneeded

    private UserCorpus(Path root, List<Path> files, String fingerprint) {
        this.root = root;
        this.files = files;
        this.fingerprint = fingerprint;
    }

    public static UserCorpus open(Path dataset) {
        Path root = dataset.toAbsolutePath().normalize();
        try {
            List<Path> files;
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    files = walk.filter(Files::isRegularFile)
                            .filter(p -> isData(root.relativize(p)))
                            .sorted((a, b) -> relative(root, a).compareTo(relative(root, b)))
                            .toList();
                }
            } else if (Files.isRegularFile(root) && isData(root.getFileName())) {
                files = List.of(root);
            } else {
                throw new DataException(
                        "Dataset " + dataset + " is neither a directory nor a .txt, .jsonl or .json(.gz)" + " file");
            }
            if (files.isEmpty()) {
                throw new DataException("Dataset " + dataset + " has no .txt, .jsonl or .json(.gz) files");
            }
            // Paths, sizes and modification times: a changed file changes the key without hashing all of it.
            StringBuilder listing = new StringBuilder();
            for (Path file : files) {
                listing.append(relative(root, file))
                        .append('\t')
                        .append(Files.size(file))
                        .append('\t')
                        .append(Files.getLastModifiedTime(file).toMillis())
                        .append('\n');
            }
            return new UserCorpus(root, files, "user:" + Hashes.sha256Hex(listing.toString()));
        } catch (IOException ex) {
            throw new DataException("Cannot read dataset " + dataset + ": " + ex.getMessage(), ex);
        }
    }

    private static boolean isData(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        String name = relative.getFileName().toString();
        return name.endsWith(".txt") || isJsonLines(name);
    }

    private static boolean isJsonLines(String name) {
        String n = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        return n.endsWith(".jsonl") || n.endsWith(".json");
    }

    private static String relative(Path root, Path file) {
        return file.equals(root)
                ? file.getFileName().toString()
                : root.relativize(file).toString().replace('\\', '/');
    }

    /** 1 in {@value #HOLD_OUT_ONE_IN} by a hash of the id, which does not depend on any other document. */
    static boolean hashHoldsOut(String id) {
        return Long.remainderUnsigned(idHash(id), HOLD_OUT_ONE_IN) == 0;
    }

    private static long idHash(String id) {
        byte[] digest = Hashes.digest("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest).getLong();
    }

    /** The split of a document of this corpus. */
    public Split splitOf(String id) throws IOException {
        return hashHoldsOut(id) || id.equals(fallback()) ? Split.VALIDATION : Split.TRAIN;
    }

    /**
     * When no document hashes into the held-out split (small datasets), the one with the smallest hash is held
     * out. The scan stops at the first document that does hash in, which for large datasets comes early.
     */
    private String fallback() throws IOException {
        if (fallback == null) {
            String[] best = {""};
            long[] bestHash = {Long.MAX_VALUE};
            boolean[] hit = {false};
            try {
                scan(doc -> {
                    if (hashHoldsOut(doc.id())) {
                        hit[0] = true;
                        throw new StopScan();
                    }
                    long h = idHash(doc.id());
                    if (best[0].isEmpty() || Long.compareUnsigned(h, bestHash[0]) < 0) {
                        best[0] = doc.id();
                        bestHash[0] = h;
                    }
                });
            } catch (StopScan stop) {
                // found one that hashes in
            }
            fallback = hit[0] ? "" : best[0];
        }
        return fallback;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String describe() {
        return "dataset " + root + " (" + files.size() + " files)";
    }

    @Override
    public void forEach(Visitor visitor) throws IOException {
        fallback();
        scan(doc -> visitor.accept(splitOf(doc.id()), doc));
    }

    private interface DocumentConsumer {
        void accept(Document document) throws IOException;
    }

    private static final class StopScan extends RuntimeException {
        StopScan() {
            super(null, null, false, false);
        }
    }

    private void scan(DocumentConsumer consumer) throws IOException {
        for (Path file : files) {
            String name = relative(root, file);
            if (name.endsWith(".txt")) {
                String text = TextFiles.decode(Files.readAllBytes(file));
                if (!text.isBlank()) {
                    consumer.accept(new Document(name, text));
                }
                continue;
            }
            try (InputStream raw = Files.newInputStream(file);
                    InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                    BufferedReader reader =
                            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
                long lineNumber = 0;
                for (String line; (line = reader.readLine()) != null; ) {
                    lineNumber++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String text = text(line, name, lineNumber);
                    if (!text.isBlank()) {
                        consumer.accept(new Document(name + ":" + lineNumber, text.replace("\r\n", "\n")));
                    }
                }
            }
        }
    }

    private static String text(String line, String file, long lineNumber) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException ex) {
            throw new DataException(file + ":" + lineNumber + " is not a JSON object: " + ex.getOriginalMessage());
        }
        JsonNode text = node == null ? null : node.get("text");
        if (text == null || !text.isString()) {
            throw new DataException(file + ":" + lineNumber + " has no \"text\" string field");
        }
        return text.asString();
    }
}
