package io.alphadecay.safetensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/** Safetensors bytes for tests: well-formed ones from the writer, malformed ones from a given header text. */
final class TestFiles {

    private TestFiles() {}

    static byte[] written(Map<String, String> metadata, List<? extends WritableTensor> tensors) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.write(out, metadata, tensors);
        return out.toByteArray();
    }

    /** A file with this exact header text, for malformed-input tests. */
    static byte[] assemble(byte[] headerJson, byte[] data) {
        return ByteBuffer.allocate(8 + headerJson.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerJson.length)
                .put(headerJson)
                .put(data)
                .array();
    }
}
