package io.alphadecay.trainer.data.tokens;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.alphadecay.trainer.data.DataException;

/**
 * A read-only, memory-mapped file of little-endian token ids, 2 bytes (unsigned) or 4 bytes each. The operating
 * system pages tokens in as batches touch them, so a corpus of any size costs no heap. Mapped in 1 GiB segments,
 * which a token never straddles.
 */
public final class TokenFile implements AutoCloseable {

    private static final int SEGMENT_SHIFT = 30;
    private static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;

    private final FileChannel channel;
    private final MappedByteBuffer[] segments;
    private final int width;
    private final long tokens;

    private TokenFile(FileChannel channel, MappedByteBuffer[] segments, int width, long tokens) {
        this.channel = channel;
        this.segments = segments;
        this.width = width;
        this.tokens = tokens;
    }

    public static TokenFile open(Path file, int width) throws IOException {
        if (width != 2 && width != 4) {
            throw new IllegalArgumentException("Token width must be 2 or 4 bytes: " + width);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long bytes = channel.size();
            if (bytes % width != 0) {
                throw new DataException("Token file " + file + " has " + bytes + " bytes, not a multiple of " + width);
            }
            int count = (int) ((bytes + SEGMENT_MASK) >>> SEGMENT_SHIFT);
            MappedByteBuffer[] segments = new MappedByteBuffer[count];
            for (int s = 0; s < count; s++) {
                long position = (long) s << SEGMENT_SHIFT;
                long length = Math.min(bytes - position, 1L << SEGMENT_SHIFT);
                segments[s] = channel.map(FileChannel.MapMode.READ_ONLY, position, length);
                segments[s].order(ByteOrder.LITTLE_ENDIAN);
            }
            return new TokenFile(channel, segments, width, bytes / width);
        } catch (IOException | RuntimeException ex) {
            channel.close();
            throw ex;
        }
    }

    public long size() {
        return tokens;
    }

    int width() {
        return width;
    }

    public int get(long index) {
        if (index < 0 || index >= tokens) {
            throw new IndexOutOfBoundsException("Token " + index + " of " + tokens);
        }
        long byteOffset = index * width;
        MappedByteBuffer segment = segments[(int) (byteOffset >>> SEGMENT_SHIFT)];
        int offset = (int) (byteOffset & SEGMENT_MASK);
        return width == 2 ? Short.toUnsignedInt(segment.getShort(offset)) : segment.getInt(offset);
    }

    /** Copies {@code into.length} tokens starting at {@code start}. */
    void read(long start, int[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = get(start + i);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close(); // the mapping itself goes when the buffers are collected
    }
}
