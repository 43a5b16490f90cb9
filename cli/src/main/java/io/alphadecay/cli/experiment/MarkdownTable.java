package io.alphadecay.cli.experiment;

import java.util.ArrayList;
import java.util.List;

/** A GitHub-flavoured Markdown table; cells are escaped so that a value cannot break the table. */
final class MarkdownTable {

    private final List<String> headers;
    private final List<Boolean> numeric;
    private final List<List<String>> rows = new ArrayList<>();

    /** Headers ending in {@code ":"} are right-aligned (numbers); the colon is not shown. */
    MarkdownTable(String... headers) {
        this.headers = new ArrayList<>();
        this.numeric = new ArrayList<>();
        for (String header : headers) {
            boolean right = header.endsWith(":");
            this.headers.add(right ? header.substring(0, header.length() - 1) : header);
            this.numeric.add(right);
        }
    }

    MarkdownTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(
                    "a row of " + cells.length + " cells in a table of " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(escape(String.valueOf(cell)));
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("| ")
                .append(String.join(
                        " | ", headers.stream().map(MarkdownTable::escape).toList()))
                .append(" |\n");
        out.append('|');
        for (boolean right : numeric) {
            out.append(right ? " ---: |" : " --- |");
        }
        out.append('\n');
        for (List<String> row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    /** Pipes would end the cell, newlines the row; backslashes are escaped first so an escape stays one. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
