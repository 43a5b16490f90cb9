package io.alphadecay.trainer.data.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.alphadecay.trainer.data.DataException;

/**
 * Extracts regular files from a (ustar, pax or GNU) tar stream. Only plain files are written: links and devices are
 * skipped, and an entry whose name is absolute or climbs out with {@code ..} fails the whole archive, because a
 * tarball that tries that is not one to trust for the rest of its content either.
 */
final class TarReader {

    private static final int BLOCK = 512;

    private TarReader() {}

    /**
     * Writes every regular entry that {@code select} maps to a relative path (null skips it) under
     * {@code destination} and returns the written files in archive order.
     */
    static List<Path> extract(InputStream tar, Path destination, UnaryOperator<String> select) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        String longName = null;
        while (true) {
            byte[] header = tar.readNBytes(BLOCK);
            if (header.length == 0 || isZero(header)) {
                return written; // end-of-archive marker, or a writer that left it out
            }
            if (header.length < BLOCK) {
                throw new DataException("Truncated tar header");
            }
            checkChecksum(header);
            long size = number(header, 124, 12);
            char type = (char) header[156];
            if (type == 'x' || type == 'L') {
                // The name of the next entry, when it does not fit the 100 + 155 header bytes.
                byte[] body = readBody(tar, size);
                longName = type == 'L' ? text(body, 0, body.length) : paxPath(body, longName);
                continue;
            }
            String name = longName != null ? longName : headerName(header);
            longName = null;
            if (type == '0' || type == '\0' || type == '7') {
                checkSafe(name);
                String relative = select.apply(name);
                if (relative != null) {
                    checkSafe(relative);
                    Path target = root.resolve(relative).normalize();
                    if (!target.startsWith(root) || target.equals(root)) {
                        throw new DataException("Refusing tar entry outside the destination: " + name);
                    }
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        copy(tar, out, size);
                    }
                    skipPadding(tar, size);
                    written.add(target);
                    continue;
                }
            }
            skip(tar, size + padding(size));
        }
    }

    /** Rejects absolute names and any {@code ..} segment. */
    static void checkSafe(String name) {
        String n = name.replace('\\', '/');
        if (n.isEmpty() || n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0) {
            throw new DataException("Refusing tar entry with an absolute or empty name: " + name);
        }
        for (String segment : n.split("/")) {
            if (segment.equals("..")) {
                throw new DataException("Refusing tar entry that climbs out of the destination: " + name);
            }
        }
    }

    private static String headerName(byte[] header) {
        String name = text(header, 0, 100);
        boolean ustar = text(header, 257, 5).equals("ustar");
        String prefix = ustar ? text(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Pax records are {@code "<length> key=value\n"} with the length in bytes; only {@code path} matters here. */
    private static String paxPath(byte[] body, String current) {
        String path = current;
        int i = 0;
        while (i < body.length) {
            int space = i;
            while (space < body.length && body[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(body, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException ex) {
                throw new DataException("Corrupt pax header");
            }
            if (length <= space - i || i + length > body.length) {
                throw new DataException("Corrupt pax header");
            }
            String record = new String(body, space + 1, i + length - space - 1, StandardCharsets.UTF_8);
            if (record.startsWith("path=")) {
                path = record.substring(5).replaceAll("\n$", "");
            }
            i += length;
        }
        return path;
    }

    private static void checkChecksum(byte[] header) {
        long expected = number(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != expected) {
            throw new DataException("Corrupt tar header (checksum " + sum + ", recorded " + expected + ")");
        }
    }

    /** Octal, or base-256 when the first byte has its high bit set (GNU, for sizes of 8 GiB and more). */
    private static long number(byte[] header, int offset, int length) {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        String digits = text(header, offset, length).trim();
        if (digits.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(digits, 8);
        } catch (NumberFormatException ex) {
            throw new DataException("Corrupt tar header field: " + digits);
        }
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] readBody(InputStream in, long size) throws IOException {
        if (size > (1 << 20)) {
            throw new DataException("Tar extended header too large: " + size + " bytes");
        }
        byte[] body = in.readNBytes((int) size);
        if (body.length < size) {
            throw new EOFException("Truncated tar entry");
        }
        skipPadding(in, size);
        return body;
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("Truncated tar entry");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        skip(in, padding(size));
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        in.skipNBytes(bytes);
    }
}
