package io.alphadecay.trainer.data.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.alphadecay.trainer.data.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our tokenizer.json, loaded by the HuggingFace library through DJL, as the training run will use it. */
class TokenizerRoundTripTest {

    @TempDir
    static Path dir;

    private static TokenizerInfo info;
    private static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        TestData.init();
        info = TokenizerInfo.read(TestData.tokenizer(dir, 512));
        tokenizer = info.load();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    @Test
    void describesItsVocabularyAndSeparator() {
        assertThat(info.vocabSize()).isEqualTo(512);
        assertThat(info.endOfTextId()).isEqualTo(511);
        assertThat(encode("<|endoftext|>")).containsExactly(511);
    }

    @Test
    void roundTripsArbitraryUnicodeExactly() {
        List<String> samples = new ArrayList<>(List.of(
                "",
                " ",
                "  leading and trailing  ",
                "tabs\tand\r\nCRLF\n",
                "naïve café — “quotes” ½ ∑ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
                "日本語のテキスト、中文文本",
                "emoji 👩‍👩‍👧 🇫🇷 e\u0301",
                "\u0000\u0001 control \u007f\u0085\u00a0nbsp\u2028sep",
                "it's they're we've I'm you'll he'd",
                "    indented\n\n\n   lines   \n"));
        Random random = new Random(42);
        for (int n = 0; n < 200; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(60);
            while (s.length() < length) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> random.nextInt(0x800);
                    case 2 -> random.nextInt(0x10000);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
                if (cp < 0xD800 || cp > 0xDFFF) { // lone surrogates are not text
                    s.appendCodePoint(cp);
                }
            }
            samples.add(s.toString());
        }
        for (String text : samples) {
            assertThat(tokenizer.decode(encode(text), false))
                    .as(Arrays.toString(text.codePoints().toArray()))
                    .isEqualTo(text);
        }
    }

    @Test
    void mergesCompressEnglish() {
        String text = TestData.english(99, 50_000); // text not seen in training
        double tokensPerByte =
                (double) encode(text).length / text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(tokensPerByte).isLessThan(0.35);
        assertThat(encode(" the")).hasSize(1);
    }

    @Test
    void chunksTokeniseLikeTheWholeText() {
        StringBuilder text = new StringBuilder();
        Random random = new Random(3);
        for (int i = 0; i < 400; i++) {
            text.append(TestData.english(i, 20 + random.nextInt(200)));
            text.append(List.of("\n", "\n\n", " \n", "\n ", "\n\t", ".\n", "\n1", "\n\n\n")
                    .get(random.nextInt(8)));
        }
        String whole = text.toString();
        List<String> chunks = TextChunks.split(whole, 500);
        assertThat(chunks.size()).isGreaterThan(20);
        assertThat(String.join("", chunks)).isEqualTo(whole);
        List<Long> pieces = new ArrayList<>();
        for (String chunk : chunks) {
            for (long id : encode(chunk)) {
                pieces.add(id);
            }
        }
        assertThat(pieces).containsExactly(Arrays.stream(encode(whole)).boxed().toArray(Long[]::new));
    }
}
