package io.alphadecay.trainer.safetensors;

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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.alphadecay.trainer.model.NamedParameter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes tensors as a safetensors stream of F32 little-endian values: the 8-byte header length, the JSON header
 * (computed from shapes alone, padded with spaces to a multiple of 8) and then each tensor's bytes in the given
 * order. Tensors are copied to the host one at a time and written in small chunks, so the whole model never sits
 * in one buffer and the stream can be an HTTP request body.
 */
public final class SafetensorsWriter {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CHUNK_FLOATS = 16 * 1024;

    private SafetensorsWriter() {
    }

    public static void write(OutputStream out, Map<String, String> metadata, List<NamedParameter> tensors)
            throws IOException {
        byte[] header = header(metadata, tensors);
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(length.array());
        out.write(header);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (NamedParameter tensor : tensors) {
            writeData(out, tensor.array(), chunk);
        }
        out.flush();
    }

    /** Total bytes that {@link #write} produces, e.g. for a Content-Length. */
    public static long size(Map<String, String> metadata, List<NamedParameter> tensors) {
        long data = 0;
        for (NamedParameter tensor : tensors) {
            data += tensor.array().getShape().size() * Float.BYTES;
        }
        return 8L + header(metadata, tensors).length + data;
    }

    /** The padded JSON header; tensors appear in write order with contiguous data_offsets. */
    static byte[] header(Map<String, String> metadata, List<NamedParameter> tensors) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata == null ? Map.of() : new LinkedHashMap<>(metadata));
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (NamedParameter tensor : tensors) {
            if (tensor.name().equals("__metadata__") || !names.add(tensor.name())) {
                throw new IllegalArgumentException("duplicate or reserved tensor name " + tensor.name());
            }
            long bytes = tensor.array().getShape().size() * Float.BYTES;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", tensor.array().getShape().getShape());
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

    private static void writeData(OutputStream out, NDArray array, ByteBuffer chunk) throws IOException {
        NDArray floats = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        try {
            // toByteBuffer copies a device tensor to the host; its byte order is the engine's native one
            FloatBuffer values = floats.toByteBuffer().asFloatBuffer();
            FloatBuffer target = chunk.asFloatBuffer();
            while (values.hasRemaining()) {
                int count = Math.min(CHUNK_FLOATS, values.remaining());
                FloatBuffer part = values.slice();
                part.limit(count);
                target.clear();
                target.put(part);
                values.position(values.position() + count);
                out.write(chunk.array(), 0, count * Float.BYTES);
            }
        } finally {
            if (floats != array) {
                floats.close();
            }
        }
    }
}
