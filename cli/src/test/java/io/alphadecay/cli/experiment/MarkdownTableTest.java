package io.alphadecay.cli.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkdownTableTest {

    @Test
    void rendersHeadersAlignmentAndRows() {
        String table = new MarkdownTable("policy", "wd0:", "mean:")
                .row("uniform", "0.1", "12.34")
                .row("alphadecay", "0.1", "11.00")
                .render();

        assertThat(table).isEqualTo("""
                | policy | wd0 | mean |
                | --- | ---: | ---: |
                | uniform | 0.1 | 12.34 |
                | alphadecay | 0.1 | 11.00 |
                """);
    }

    @Test
    void aCellCannotBreakTheTable() {
        String table = new MarkdownTable("run", "reason")
                .row("a|b", "line one\nline two \\| x")
                .render();

        assertThat(table.lines().toList()).hasSize(3);
        assertThat(table).contains("| a\\|b | line one line two \\\\\\| x |");
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        assertThatThrownBy(() -> new MarkdownTable("a", "b").row("only one"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new MarkdownTable("a").isEmpty()).isTrue();
    }
}
