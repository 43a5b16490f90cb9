package io.alphadecay.trainer.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.types.Shape;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Opens safetensors files for resuming: checks the header against the file before any tensor is read. */
public final class SafetensorsReader {

    /** Far above any real header; a larger length means a corrupt or foreign file. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final Map<String, Integer> DTYPE_BYTES = Map.of("F64", 8, "F32", 4, "F16", 2, "BF16", 2,
            "I64", 8, "I32", 4, "I16", 2, "I8", 1, "U8", 1, "BOOL", 1);

    private SafetensorsReader() {
    }

    public static SafetensorsFile open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new IOException(path + " is too short for a safetensors file");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
                throw new IOException(path + " declares a header of " + headerLength + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            return parse(path, header.array(), 8 + headerLength, fileSize);
        }
    }

    private static SafetensorsFile parse(Path path, byte[] header, long dataStart, long fileSize)
            throws IOException {
        JsonNode root;
        try {
            root = SafetensorsWriter.JSON.readTree(header);
        } catch (JacksonException e) {
            throw new IOException(path + " has a header that is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(path + " has a header that is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (entry.getKey().equals("__metadata__")) {
                readMetadata(path, entry.getValue(), metadata);
            } else {
                tensors.put(entry.getKey(), readTensor(path, entry.getKey(), entry.getValue()));
            }
        }
        checkContiguous(path, tensors, fileSize - dataStart);
        return new SafetensorsFile(path, dataStart, metadata, tensors);
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> metadata) throws IOException {
        if (!node.isObject()) {
            throw new IOException(path + ": __metadata__ is not an object");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isString()) {
                throw new IOException(path + ": __metadata__." + entry.getKey() + " is not a string");
            }
            metadata.put(entry.getKey(), entry.getValue().stringValue());
        }
    }

    private static TensorInfo readTensor(Path path, String name, JsonNode node) throws IOException {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (!node.isObject() || dtype == null || !dtype.isString() || shape == null || !shape.isArray()
                || offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw new IOException(path + ": tensor " + name + " needs dtype, shape and two data_offsets");
        }
        long[] dims = new long[shape.size()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = nonNegative(path, name, shape.get(i));
            elements = Math.multiplyExact(elements, dims[i]);
        }
        long begin = nonNegative(path, name, offsets.get(0));
        long end = nonNegative(path, name, offsets.get(1));
        Integer width = DTYPE_BYTES.get(dtype.stringValue());
        if (width == null) {
            throw new IOException(path + ": tensor " + name + " has unknown dtype " + dtype.stringValue());
        }
        if (end < begin || end - begin != Math.multiplyExact(elements, width)) {
            throw new IOException(path + ": tensor " + name + " has data_offsets [" + begin + ", " + end
                    + "] that do not hold its shape");
        }
        return new TensorInfo(name, dtype.stringValue(), new Shape(dims), begin, end);
    }

    private static long nonNegative(Path path, String name, JsonNode node) throws IOException {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new IOException(path + ": tensor " + name + " has a bad shape or offset " + node);
        }
        return node.longValue();
    }

    /** The data section must be covered exactly, without holes or overlaps, as the format requires. */
    private static void checkContiguous(Path path, Map<String, TensorInfo> tensors, long dataBytes)
            throws IOException {
        List<TensorInfo> ordered = new ArrayList<>(tensors.values());
        ordered.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        for (TensorInfo info : ordered) {
            if (info.begin() != expected) {
                throw new IOException(path + ": tensor " + info.name() + " starts at " + info.begin()
                        + " instead of " + expected);
            }
            expected = info.end();
        }
        if (expected != dataBytes) {
            throw new IOException(path + ": tensors cover " + expected + " bytes of a " + dataBytes
                    + "-byte data section");
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file");
            }
            at += read;
        }
    }
}
