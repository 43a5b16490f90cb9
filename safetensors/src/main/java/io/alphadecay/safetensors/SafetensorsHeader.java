package io.alphadecay.safetensors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parsed and validated header of a safetensors stream: metadata and tensors in data order. Validation is
 * complete before any tensor byte is read, so a bad file is refused before work starts.
 */
public record SafetensorsHeader(Map<String, String> metadata, List<TensorInfo> tensors, long dataBytes) {

    // Duplicate tensor names would make two entries claim one name: refuse them.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final long MAX_DIMENSION = 1L << 40;

    /** Reads the 8-byte length and the JSON header from the start of {@code in}. */
    public static SafetensorsHeader read(InputStream in, int maxHeaderBytes)
            throws IOException, MalformedCheckpointException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8) {
            throw new MalformedCheckpointException("truncated", "The body ends before the 8-byte header length");
        }
        long length = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (length < 2 || length > maxHeaderBytes) {
            throw new MalformedCheckpointException(
                    "header-length",
                    "Header length " + Long.toUnsignedString(length) + " is outside 2.." + maxHeaderBytes + " bytes");
        }
        byte[] json = in.readNBytes((int) length);
        if (json.length < length) {
            throw new MalformedCheckpointException("truncated", "The body ends inside the " + length + "-byte header");
        }
        return parse(json);
    }

    static SafetensorsHeader parse(byte[] json) throws MalformedCheckpointException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(json, StandardCharsets.UTF_8).stripTrailing());
        } catch (JacksonException ex) {
            throw new MalformedCheckpointException(
                    "header-json", "The header is not valid JSON: " + ex.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedCheckpointException("header-json", "The header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (var entry : root.properties()) {
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            if (name.equals("__metadata__")) {
                if (!value.isObject()) {
                    throw new MalformedCheckpointException("header-json", "__metadata__ is not an object");
                }
                for (var meta : value.properties()) {
                    if (!meta.getValue().isString()) {
                        throw new MalformedCheckpointException(
                                "header-json", "__metadata__." + meta.getKey() + " is not a string");
                    }
                    metadata.put(meta.getKey(), meta.getValue().asString());
                }
                continue;
            }
            tensors.add(tensor(name, value));
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        for (TensorInfo tensor : tensors) {
            if (tensor.begin() != expected) {
                throw new MalformedCheckpointException(
                        "offsets",
                        "Tensor " + tensor.name() + " starts at byte "
                                + tensor.begin() + " but the data before it ends at " + expected
                                + (tensor.begin() < expected ? " (overlap)" : " (hole)"));
            }
            expected = tensor.end();
        }
        return new SafetensorsHeader(Map.copyOf(metadata), List.copyOf(tensors), expected);
    }

    private static TensorInfo tensor(String name, JsonNode value) throws MalformedCheckpointException {
        if (!value.isObject()) {
            throw new MalformedCheckpointException("header-json", "Tensor " + name + " is not an object");
        }
        String dtypeName = value.path("dtype").isString() ? value.path("dtype").asString() : null;
        DType dtype = dtypeName == null ? null : DType.of(dtypeName).orElse(null);
        if (dtype == null) {
            throw new MalformedCheckpointException(
                    "dtype", "Tensor " + name + " has unknown dtype " + value.path("dtype"));
        }
        JsonNode shapeNode = value.path("shape");
        if (!shapeNode.isArray() || shapeNode.size() > 8) {
            throw new MalformedCheckpointException("shape", "Tensor " + name + " has no valid shape");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > MAX_DIMENSION) {
                throw new MalformedCheckpointException("shape", "Tensor " + name + " has an invalid dimension " + d);
            }
            shape[i] = d.asLong();
            elements = Math.multiplyHigh(elements, shape[i]) != 0 ? Long.MAX_VALUE : elements * shape[i];
            if (elements > MAX_DIMENSION) {
                throw new MalformedCheckpointException("shape", "Tensor " + name + " is too large");
            }
        }
        JsonNode offsets = value.path("data_offsets");
        if (!offsets.isArray()
                || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber()) {
            throw new MalformedCheckpointException("offsets", "Tensor " + name + " has no valid data_offsets");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new MalformedCheckpointException(
                    "offsets", "Tensor " + name + " has data_offsets out of range [" + begin + ", " + end + "]");
        }
        if (end - begin != elements * dtype.bytes()) {
            throw new MalformedCheckpointException(
                    "shape",
                    "Tensor " + name + " holds " + (end - begin) + " bytes but its shape and dtype need "
                            + elements * dtype.bytes());
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }
}
