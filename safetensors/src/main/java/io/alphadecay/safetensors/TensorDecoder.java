package io.alphadecay.safetensors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads one tensor's bytes from the stream straight into doubles, a chunk at a time, so that a tensor never
 * exists twice in memory (raw and decoded).
 */
public final class TensorDecoder {

    private static final int CHUNK = 1 << 16;

    private TensorDecoder() {}

    /** Decodes {@code tensor} from the current position of {@code in}; also reports whether any value is NaN or Inf. */
    public static Decoded decode(InputStream in, TensorInfo tensor) throws IOException, MalformedCheckpointException {
        if (!tensor.dtype().decodable()) {
            throw new IllegalArgumentException(tensor.dtype() + " cannot be decoded");
        }
        long count = tensor.elements();
        if (count > Integer.MAX_VALUE - 16) {
            throw new MalformedCheckpointException("shape", "Tensor " + tensor.name() + " has too many elements");
        }
        double[] values = new double[(int) count];
        int width = tensor.dtype().bytes();
        byte[] chunk = new byte[CHUNK - CHUNK % width];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        boolean finite = true;
        int index = 0;
        long remaining = tensor.byteLength();
        while (remaining > 0) {
            int want = (int) Math.min(chunk.length, remaining);
            int got = in.readNBytes(chunk, 0, want);
            if (got < want) {
                throw new MalformedCheckpointException("truncated", "The body ends inside tensor " + tensor.name());
            }
            for (int offset = 0; offset < got; offset += width) {
                double v = switch (tensor.dtype()) {
                    case F32 -> buffer.getFloat(offset);
                    case F64 -> buffer.getDouble(offset);
                    case BF16 -> Float.intBitsToFloat((buffer.getShort(offset) & 0xffff) << 16);
                    case F16 -> halfToFloat(buffer.getShort(offset));
                    default -> throw new IllegalStateException();
                };
                finite &= Double.isFinite(v);
                values[index++] = v;
            }
            remaining -= got;
        }
        return new Decoded(values, finite);
    }

    /** Skips a tensor the analysis does not need. */
    public static void skip(InputStream in, TensorInfo tensor) throws IOException, MalformedCheckpointException {
        long remaining = tensor.byteLength();
        byte[] sink = null;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped <= 0) {
                // skip() may refuse without meaning end of stream; a read tells the two apart.
                if (sink == null) {
                    sink = new byte[CHUNK];
                }
                int read = in.read(sink, 0, (int) Math.min(sink.length, remaining));
                if (read < 0) {
                    throw new MalformedCheckpointException("truncated", "The body ends inside tensor " + tensor.name());
                }
                skipped = read;
            }
            remaining -= skipped;
        }
    }

    /** IEEE 754 binary16 to binary32 (Float.float16ToFloat exists only from Java 20). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal: value = mantissa · 2^-24.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** A tensor's values in row-major order. */
    public record Decoded(double[] values, boolean finite) {}
}
