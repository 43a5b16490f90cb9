package io.alphadecay.trainer.data.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TextFilesTest {

    @Test
    void decodesUtf8AndFallsBackToLatin1() {
        assertThat(TextFiles.decode("\uFEFFcafé\r\n✓".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("café\n✓");
        assertThat(TextFiles.decode("Cæsar".getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo("Cæsar");
    }

    @Test
    void stripsGutenbergBoilerplateBetweenTheMarkers() {
        String book = "The Project Gutenberg EBook of X\nlicence\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\n"
                + "Chapter 1\n\nIt was.\n\nEnd of the Project Gutenberg EBook of X\n"
                + "*** END OF THIS PROJECT GUTENBERG EBOOK X ***\nmore licence\n";
        assertThat(TextFiles.stripGutenberg(book)).isEqualTo("Chapter 1\n\nIt was.\n");
        assertThat(TextFiles.stripGutenberg("No markers *** START OF here\n"))
                .isEqualTo("No markers *** START OF here\n");
    }
}
