package io.alphadecay.safetensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The shared golden checkpoint written by an independent implementation. */
    static Path golden(String file) {
        Path path = Path.of("..", "..", "shared", "fixtures", "esd", file);
        if (!Files.exists(path)) {
            throw new IllegalStateException(
                    "The golden fixture " + path.toAbsolutePath().normalize()
                            + " is missing: the shared folder must sit beside the repository");
        }
        return path;
    }
}
