package io.alphadecay.trainer.data.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a long document into pieces that tokenise exactly as the whole does, so a multi-megabyte book can be
 * encoded in parallel and in bounded memory. A cut goes only between a lone {@code \n} (after a non-space) and a
 * letter or digit: the GPT-2 split ends a word at that {@code \n} and starts the next at the letter in any case.
 */
public final class TextChunks {

    private TextChunks() {}

    public static List<String> split(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return List.of(text);
        }
        List<String> chunks = new ArrayList<>();
        int start = 0;
        while (text.length() - start > maxChars) {
            int cut = findCut(text, start + maxChars, start);
            if (cut < 0) {
                cut = findCutForward(text, start + maxChars);
                if (cut < 0) {
                    break;
                }
            }
            chunks.add(text.substring(start, cut));
            start = cut;
        }
        chunks.add(text.substring(start));
        return chunks;
    }

    private static int findCut(String text, int from, int floor) {
        for (int p = from; p > floor + 1; p--) {
            if (isCut(text, p)) {
                return p;
            }
        }
        return -1;
    }

    private static int findCutForward(String text, int from) {
        for (int p = from; p < text.length(); p++) {
            if (isCut(text, p)) {
                return p;
            }
        }
        return -1;
    }

    static boolean isCut(String text, int p) {
        if (p < 2 || p >= text.length() || text.charAt(p - 1) != '\n') {
            return false;
        }
        char before = text.charAt(p - 2);
        char after = text.charAt(p);
        boolean beforeIsSpace = Character.isWhitespace(before) || Character.isSpaceChar(before) || before == '\u0085';
        return !beforeIsSpace && !Character.isSurrogate(before) && Character.isLetterOrDigit(after);
    }
}
