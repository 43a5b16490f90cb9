package io.alphadecay.trainer.safetensors;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A safetensors file on disk whose header has been read and checked. Tensor data is read on demand, one tensor
 * at a time, so files larger than 2 GiB work too.
 */
public final class SafetensorsFile {

    private final Path path;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;

    SafetensorsFile(Path path, long dataStart, Map<String, String> metadata, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.dataStart = dataStart;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Path path() {
        return path;
    }

    /** Byte offset of the data section: 8 plus the header length. */
    public long dataStart() {
        return dataStart;
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
        TensorInfo info = info(name);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(channel, info);
        }
    }

    /** Every tensor as a float32 array on the manager's device, keyed by name in header order. */
    public Map<String, NDArray> toArrays(NDManager manager) throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            for (TensorInfo info : tensors.values()) {
                arrays.put(info.name(), manager.create(read(channel, info), info.shape()));
            }
        } catch (IOException | RuntimeException e) {
            arrays.values().forEach(NDArray::close);
            throw e;
        }
        return arrays;
    }

    private TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException("no tensor " + name + " in " + path);
        }
        return info;
    }

    private float[] read(FileChannel channel, TensorInfo info) throws IOException {
        if (!info.dtype().equals("F32")) {
            throw new IOException("tensor " + info.name() + " is " + info.dtype() + ", only F32 is read");
        }
        float[] values = new float[Math.toIntExact(info.byteLength() / Float.BYTES)];
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(),
                info.byteLength());
        mapped.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
