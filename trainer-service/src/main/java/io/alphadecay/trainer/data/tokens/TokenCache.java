package io.alphadecay.trainer.data.tokens;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.alphadecay.trainer.data.Corpus;
import io.alphadecay.trainer.data.DataException;
import io.alphadecay.trainer.data.Dirs;
import io.alphadecay.trainer.data.Hashes;
import io.alphadecay.trainer.data.Split;
import io.alphadecay.trainer.data.tokenizer.TextChunks;
import io.alphadecay.trainer.data.tokenizer.TokenizerInfo;

/**
 * Both splits of a corpus tokenised once into {@code <home>/data/cache/<key>/{train,validation}.bin}, with each
 * document followed by the end-of-text id. The key hashes the corpus fingerprint and the tokenizer file, so any
 * change to either builds a new cache, and an unchanged pair is never tokenised twice. A cache directory appears
 * in one rename when complete.
 */
public final class TokenCache {

    static final String FORMAT = "alphadecay-tokens-v1";
    static final String META = "meta.properties";
    public static final String TRAIN = "train.bin";
    public static final String VALIDATION = "validation.bin";

    private static final int CHUNK_CHARS = 1 << 18;
    private static final int BATCH_CHARS = 1 << 22;
    private static final long REPORT_CHARS = 32L << 20;

    private final Path directory;
    private final Properties meta;

    private TokenCache(Path directory, Properties meta) {
        this.directory = directory;
        this.meta = meta;
    }

    /** 2 bytes a token while every id fits, else 4. */
    static int widthFor(int vocabSize) {
        return vocabSize <= 65535 ? 2 : 4;
    }

    public static Path directory(Path home, Corpus corpus, TokenizerInfo tokenizer) {
        String key = Hashes.sha256Hex(FORMAT + "\n" + corpus.fingerprint() + "\n" + tokenizer.sha256());
        return home.resolve("data").resolve("cache").resolve(key.substring(0, 32));
    }

    public static TokenCache ensure(Path home, Corpus corpus, TokenizerInfo tokenizer, Consumer<String> progress) {
        Path target = directory(home, corpus, tokenizer);
        try {
            if (Files.isRegularFile(target.resolve(META))
                    && Files.isRegularFile(target.resolve(TRAIN))
                    && Files.isRegularFile(target.resolve(VALIDATION))) {
                progress.accept("using the token cache " + target);
                return new TokenCache(target, load(target));
            }
            Dirs.discard(target);
            Path temp = Dirs.tempSibling(target);
            try {
                build(temp, corpus, tokenizer, progress);
                Dirs.publish(temp, target);
            } finally {
                Dirs.deleteRecursively(temp);
            }
            return new TokenCache(target, load(target));
        } catch (IOException ex) {
            throw new DataException("Cannot build the token cache " + target + ": " + ex.getMessage(), ex);
        }
    }

    private static Properties load(Path directory) throws IOException {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(directory.resolve(META))) {
            meta.load(in);
        }
        if (!FORMAT.equals(meta.getProperty("format"))) {
            throw new DataException("Token cache " + directory + " has an unknown format");
        }
        return meta;
    }

    private static void build(Path directory, Corpus corpus, TokenizerInfo tokenizer, Consumer<String> progress)
            throws IOException {
        progress.accept(
                "tokenising " + corpus.describe() + " with " + tokenizer.file().getFileName() + "…");
        long start = System.nanoTime();
        int width = widthFor(tokenizer.vocabSize());
        try (HuggingFaceTokenizer hf = tokenizer.load();
                TokenWriter train = new TokenWriter(directory.resolve(TRAIN), width);
                TokenWriter validation = new TokenWriter(directory.resolve(VALIDATION), width)) {
            Encoder encoder = new Encoder(hf, tokenizer, progress);
            corpus.forEach(
                    (split, document) -> encoder.add(split == Split.TRAIN ? train : validation, document.text()));
            encoder.flush();
            Properties meta = new Properties();
            meta.setProperty("format", FORMAT);
            meta.setProperty("width", Integer.toString(width));
            meta.setProperty("vocabSize", Integer.toString(tokenizer.vocabSize()));
            meta.setProperty("endOfTextId", Integer.toString(tokenizer.endOfTextId()));
            meta.setProperty("trainTokens", Long.toString(train.tokens()));
            meta.setProperty("validationTokens", Long.toString(validation.tokens()));
            meta.setProperty("trainDocuments", Long.toString(train.documents()));
            meta.setProperty("validationDocuments", Long.toString(validation.documents()));
            meta.setProperty("characters", Long.toString(encoder.characters));
            meta.setProperty("corpus", corpus.fingerprint());
            meta.setProperty("tokenizerSha256", tokenizer.sha256());
            double seconds = (System.nanoTime() - start) / 1e9;
            meta.setProperty("seconds", String.format("%.1f", seconds));
            train.close();
            validation.close();
            try (OutputStream out = Files.newOutputStream(directory.resolve(META))) {
                meta.store(out, "token cache");
            }
            progress.accept(String.format(
                    "tokenised %d documents in %.1f s: %d training and %d validation tokens",
                    train.documents() + validation.documents(), seconds, train.tokens(), validation.tokens()));
        }
    }

    /**
     * Gathers document pieces into batches, encodes a batch's pieces on all cores and writes the ids in document
     * order. The parallelism is ours: the native batch call ran on one core only here.
     */
    private static final class Encoder {
        private final HuggingFaceTokenizer hf;
        private final TokenizerInfo tokenizer;
        private final Consumer<String> progress;
        private final List<String> texts = new ArrayList<>();
        private final List<TokenWriter> targets = new ArrayList<>();
        private final List<Boolean> documentEnds = new ArrayList<>();
        private long pending;
        private long characters;
        private long reported;

        Encoder(HuggingFaceTokenizer hf, TokenizerInfo tokenizer, Consumer<String> progress) {
            this.hf = hf;
            this.tokenizer = tokenizer;
            this.progress = progress;
        }

        void add(TokenWriter target, String text) throws IOException {
            List<String> chunks = TextChunks.split(text, CHUNK_CHARS);
            for (int i = 0; i < chunks.size(); i++) {
                texts.add(chunks.get(i));
                targets.add(target);
                documentEnds.add(i == chunks.size() - 1);
                pending += chunks.get(i).length();
            }
            if (pending >= BATCH_CHARS) {
                flush();
            }
        }

        void flush() throws IOException {
            if (texts.isEmpty()) {
                return;
            }
            List<long[]> encoded = texts.parallelStream()
                    .map(text -> hf.encode(text, false, false).getIds())
                    .toList();
            for (int i = 0; i < encoded.size(); i++) {
                TokenWriter target = targets.get(i);
                for (long id : encoded.get(i)) {
                    if (id < 0 || id >= tokenizer.vocabSize()) {
                        throw new DataException("Tokenizer " + tokenizer.file() + " produced id " + id
                                + " outside its vocabulary of " + tokenizer.vocabSize());
                    }
                    target.write((int) id);
                }
                if (documentEnds.get(i)) {
                    target.endDocument(tokenizer.endOfTextId());
                }
            }
            characters += pending;
            if (characters - reported >= REPORT_CHARS) {
                reported = characters;
                progress.accept("tokenised " + (characters >> 20) + " M characters…");
            }
            texts.clear();
            targets.clear();
            documentEnds.clear();
            pending = 0;
        }
    }

    public Path trainFile() {
        return directory.resolve(TRAIN);
    }

    public Path validationFile() {
        return directory.resolve(VALIDATION);
    }

    public Path directory() {
        return directory;
    }

    public int width() {
        return Integer.parseInt(meta.getProperty("width"));
    }

    long documents(Split split) {
        return Long.parseLong(meta.getProperty(split == Split.TRAIN ? "trainDocuments" : "validationDocuments"));
    }
}
