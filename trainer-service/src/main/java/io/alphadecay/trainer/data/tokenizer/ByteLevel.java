package io.alphadecay.trainer.data.tokenizer;

import java.util.regex.Pattern;

/**
 * The GPT-2 byte-level conventions that the HuggingFace {@code ByteLevel} pre-tokenizer and decoder use: the regex
 * that splits text into words, and the map from each byte to a printable character so that every token is a
 * string.
 */
public final class ByteLevel {

    /**
     * GPT-2's split. {@code UNICODE_CHARACTER_CLASS} makes {@code \s} Unicode white space, as it is in the Rust
     * regex engine the tokenizer library uses, so training sees the same words that encoding will.
     */
    static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        // Printable Latin-1 bytes stand for themselves; the others are shifted to 256 + n, in byte order.
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + next++);
        }
    }

    private ByteLevel() {}

    public static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The token string of a byte sequence. */
    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
        }
        return new String(chars);
    }
}
