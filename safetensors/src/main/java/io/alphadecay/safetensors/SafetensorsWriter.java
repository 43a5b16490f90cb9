package io.alphadecay.safetensors;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

/**
 * Writes tensors as a safetensors stream of F32 little-endian values: the 8-byte header length, the JSON header
 * (computed from shapes alone, padded with spaces to a multiple of 8) and then each tensor's bytes in the given
 * order. Values are asked for one tensor at a time and written in small chunks, so the whole model never sits in
 * one buffer and the stream can be an HTTP request body.
 */
public final class SafetensorsWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CHUNK_FLOATS = 16 * 1024;

    private SafetensorsWriter() {}

    public static void write(OutputStream out, Map<String, String> metadata, List<? extends WritableTensor> tensors)
            throws IOException {
        byte[] header = header(metadata, tensors);
        out.write(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length)
                .array());
        out.write(header);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (WritableTensor tensor : tensors) {
            long[] written = {0};
            tensor.values(values -> written[0] += writeChunked(out, values, chunk));
            if (written[0] != tensor.elements()) {
                throw new IllegalStateException(
                        tensor.name() + " gave " + written[0] + " values for " + tensor.elements() + " elements");
            }
        }
        out.flush();
    }

    /** Total bytes that {@link #write} produces, e.g. for a Content-Length. */
    public static long size(Map<String, String> metadata, List<? extends WritableTensor> tensors) {
        long data = 0;
        for (WritableTensor tensor : tensors) {
            data += tensor.elements() * Float.BYTES;
        }
        return 8L + header(metadata, tensors).length + data;
    }

    /** The padded JSON header; tensors appear in write order with contiguous data_offsets. */
    static byte[] header(Map<String, String> metadata, List<? extends WritableTensor> tensors) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata == null ? Map.of() : new LinkedHashMap<>(metadata));
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (WritableTensor tensor : tensors) {
            if (tensor.name().equals("__metadata__") || !names.add(tensor.name())) {
                throw new IllegalArgumentException("duplicate or reserved tensor name " + tensor.name());
            }
            long bytes = tensor.elements() * Float.BYTES;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", tensor.shape());
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(tensor.name(), entry);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] result = new byte[padded];
        System.arraycopy(json, 0, result, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            result[i] = ' ';
        }
        return result;
    }

    private static long writeChunked(OutputStream out, FloatBuffer source, ByteBuffer chunk) throws IOException {
        FloatBuffer values = source.duplicate();
        FloatBuffer target = chunk.asFloatBuffer();
        long count = values.remaining();
        while (values.hasRemaining()) {
            int n = Math.min(CHUNK_FLOATS, values.remaining());
            FloatBuffer part = values.slice();
            part.limit(n);
            target.clear();
            target.put(part);
            values.position(values.position() + n);
            out.write(chunk.array(), 0, n * Float.BYTES);
        }
        return count;
    }
}
