package io.alphadecay.trainer.data.source;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Turns the bytes of a text file into the text of a document. */
final class TextFiles {

    private TextFiles() {}

    /**
     * UTF-8 when the bytes are valid UTF-8, else ISO-8859-1: a few old Project Gutenberg files are Latin-1, and
     * reading them as UTF-8 would turn every accented letter into a replacement character.
     */
    static String decode(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException ex) {
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        // One line ending, so the same prose tokenises the same whichever system wrote it.
        return text.replace("\r\n", "\n");
    }

    /**
     * Drops the Project Gutenberg licence boilerplate: everything up to a {@code *** START OF} line and from a
     * {@code *** END OF} line on (with an {@code End of ... Project Gutenberg} line just before it). Text without
     * the markers is returned unchanged.
     */
    static String stripGutenberg(String text) {
        String body = text;
        int start = lineStartingWith(body, "*** START OF");
        if (start >= 0) {
            int endOfLine = body.indexOf('\n', start);
            body = endOfLine < 0 ? "" : body.substring(endOfLine + 1);
        }
        int end = lineStartingWith(body, "*** END OF");
        if (end >= 0) {
            body = body.substring(0, end).stripTrailing();
            int lastLine = body.lastIndexOf('\n') + 1;
            String last = body.substring(lastLine).toLowerCase(Locale.ROOT);
            if (last.startsWith("end of") && last.contains("project gutenberg")) {
                body = body.substring(0, lastLine).stripTrailing();
            }
            body = body + "\n";
        }
        return body;
    }

    private static int lineStartingWith(String text, String marker) {
        int i = text.indexOf(marker);
        while (i > 0 && text.charAt(i - 1) != '\n') {
            i = text.indexOf(marker, i + 1);
        }
        return i;
    }
}
