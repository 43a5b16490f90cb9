package io.alphadecay.safetensors;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file on disk whose header has been read and checked against the file, with the validation the
 * esd-service applies to uploads, before any tensor is read. Tensor data is read on demand, one tensor at a time,
 * so files larger than 2 GiB work too.
 */
public final class SafetensorsFile {

    /** Far above any real header; a larger length means a corrupt or foreign file. */
    static final int MAX_HEADER_BYTES = 100 * 1024 * 1024;

    private final Path path;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;

    private SafetensorsFile(Path path, long dataStart, Map<String, String> metadata, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.dataStart = dataStart;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Reads and checks the header; a malformed or truncated file fails here with its path in the message. */
    public static SafetensorsFile open(Path path) throws IOException {
        long fileSize = Files.size(path);
        SafetensorsHeader header;
        long dataStart;
        try (CountingInputStream in = new CountingInputStream(Files.newInputStream(path))) {
            header = SafetensorsHeader.read(in, MAX_HEADER_BYTES);
            dataStart = in.count();
        } catch (MalformedCheckpointException ex) {
            throw new IOException(path + ": " + ex.getMessage(), ex);
        }
        if (dataStart + header.dataBytes() != fileSize) {
            throw new IOException(path + ": tensors cover " + header.dataBytes() + " bytes of a "
                    + (fileSize - dataStart) + "-byte data section");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        header.tensors().forEach(tensor -> tensors.put(tensor.name(), tensor));
        return new SafetensorsFile(path, dataStart, header.metadata(), tensors);
    }

    public Path path() {
        return path;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Header entries in the header's order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The values of one F32 tensor. */
    public float[] floats(String name) throws IOException {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException("no tensor " + name + " in " + path);
        }
        if (info.dtype() != DType.F32) {
            throw new IOException("tensor " + name + " is " + info.dtype() + ", only F32 is read");
        }
        float[] values = new float[Math.toIntExact(info.byteLength() / Float.BYTES)];
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MappedByteBuffer mapped =
                    channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength());
            mapped.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        }
        return values;
    }
}
