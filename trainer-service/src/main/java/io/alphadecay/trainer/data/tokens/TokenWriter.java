package io.alphadecay.trainer.data.tokens;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Appends token ids to a file in the {@link TokenFile} format. */
final class TokenWriter implements AutoCloseable {

    private final OutputStream out;
    private final int width;
    private long tokens;
    private long documents;

    TokenWriter(Path file, int width) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        this.width = width;
    }

    void write(int id) throws IOException {
        out.write(id);
        out.write(id >>> 8);
        if (width == 4) {
            out.write(id >>> 16);
            out.write(id >>> 24);
        }
        tokens++;
    }

    void endDocument(int endOfText) throws IOException {
        write(endOfText);
        documents++;
    }

    long tokens() {
        return tokens;
    }

    long documents() {
        return documents;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
