package io.alphadecay.trainer.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import io.alphadecay.trainer.data.tokenizer.BpeTrainer;
import io.alphadecay.trainer.data.tokenizer.TokenizerJson;
import io.alphadecay.trainer.data.tokenizer.WordCounts;

/** Small synthetic corpora, tarballs and tokenizers, so no test needs the network. */
public final class TestData {

    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he I this are"
                    + " or his from at which but have an they you were her she there been one all we their has would when if"
                    + " so no will more said up out into time them about some could than other what only its these my also"
                    + " people government nation state congress year great country war law power public first made must"
                    + " should new upon may any such every those now under our can after before through between each most"
                    + " during without against while because over many years american united states men life world peace"
                    + " free freedom house court treaty commerce revenue citizens duty interest present last importance"
                    + " whale captain sea ship Emma Elizabeth love heart mind letter morning evening little father mother")
            .split(" ");

    private TestData() {}

    public static void init() {
        // the static block sets the DJL property before any tokenizer loads
    }

    /** Zipf-distributed English words in sentences and paragraphs, deterministic for a seed. */
    public static String english(long seed, int approximateChars) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(approximateChars + 100);
        boolean sentenceStart = true;
        while (text.length() < approximateChars) {
            int rank = (int) Math.min(WORDS.length - 1, Math.floor(Math.pow(WORDS.length, random.nextDouble())) - 1);
            String word = WORDS[Math.max(0, rank)];
            if (sentenceStart) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                sentenceStart = false;
            }
            text.append(word);
            int r = random.nextInt(100);
            if (r < 8) {
                text.append(". ");
                sentenceStart = true;
                if (random.nextInt(6) == 0) {
                    text.setLength(text.length() - 1);
                    text.append("\n\n");
                }
            } else if (r < 14) {
                text.append(", ");
            } else {
                text.append(' ');
            }
        }
        return text.toString();
    }

    /** A directory of {@code count} text documents of about {@code chars} characters each. */
    public static Path textCorpus(Path dir, int count, int chars) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            Files.writeString(dir.resolve(String.format("doc-%03d.txt", i)), english(i, chars));
        }
        return dir;
    }

    /** A tokenizer trained on {@link #english} text, written as tokenizer.json into {@code dir}. */
    public static Path tokenizer(Path dir, int vocabSize) throws IOException {
        Map<String, Long> words = WordCounts.count(java.util.List.of(english(1234, 200_000)));
        Path file = dir.resolve("tokenizer-" + vocabSize + ".json");
        TokenizerJson.write(TokenizerJson.of(BpeTrainer.train(words, vocabSize - 1)), file);
        return file;
    }

    /** Builds ustar archives for tests of the reader and of the corpus download. */
    public static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Tar file(String name, String content) {
            return entry(name, '0', content.getBytes(StandardCharsets.UTF_8));
        }

        public Tar entry(String name, char type, byte[] content) {
            byte[] header = new byte[512];
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            if (nameBytes.length > 100) {
                // a pax header carries the long name
                int base = (" path=" + name + "\n").getBytes(StandardCharsets.UTF_8).length;
                int length = base + 1;
                while (Integer.toString(length).length() + base != length) {
                    length++;
                }
                String pax = length + " path=" + name + "\n";
                entry("PaxHeader", 'x', pax.getBytes(StandardCharsets.UTF_8));
                nameBytes = "long-name-placeholder".getBytes(StandardCharsets.UTF_8);
            }
            System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
            octal(header, 100, 8, 0644);
            octal(header, 108, 8, 0);
            octal(header, 116, 8, 0);
            octal(header, 124, 12, content.length);
            octal(header, 136, 12, 0);
            header[156] = (byte) type;
            System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
            header[263] = '0';
            header[264] = '0';
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
            }
            octal(header, 148, 7, sum);
            out.writeBytes(header);
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
            return this;
        }

        private static void octal(byte[] header, int offset, int length, long value) {
            String digits = String.format("%0" + (length - 1) + "o", value);
            System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
        }

        public byte[] bytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(new byte[1024]);
            return copy.toByteArray();
        }

        public byte[] gzipped() throws IOException {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (OutputStream zip = new GZIPOutputStream(gz)) {
                zip.write(bytes());
            }
            return gz.toByteArray();
        }
    }

    static Map<String, String> map(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
