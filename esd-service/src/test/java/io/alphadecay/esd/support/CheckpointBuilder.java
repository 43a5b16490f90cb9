package io.alphadecay.esd.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.alphadecay.testing.Fixtures;
import tools.jackson.databind.json.JsonMapper;

/** Builds safetensors files in memory for tests. */
public final class CheckpointBuilder {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Object[]> tensors = new ArrayList<>();

    public CheckpointBuilder metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** An F32 tensor with the given values, row-major. */
    public CheckpointBuilder f32(String name, long[] shape, float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return raw(name, "F32", shape, buffer.array());
    }

    /** An F32 matrix of N(0, std²) values from a seeded generator. */
    public CheckpointBuilder gaussian(String name, int rows, int cols, double std, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return f32(name, new long[] {rows, cols}, values);
    }

    public CheckpointBuilder raw(String name, String dtype, long[] shape, byte[] data) {
        tensors.add(new Object[] {name, dtype, shape, data});
        return this;
    }

    public byte[] build() {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Object[] t : tensors) {
            byte[] bytes = (byte[]) t[3];
            header.put(
                    (String) t[0],
                    Map.of(
                            "dtype",
                            t[1],
                            "shape",
                            t[2],
                            "data_offsets",
                            List.of(data.size(), data.size() + bytes.length)));
            data.writeBytes(bytes);
        }
        return assemble(JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8), data.toByteArray());
    }

    /** A file with this exact header text, for malformed-input tests. */
    public static byte[] assemble(byte[] headerJson, byte[] data) {
        ByteBuffer file =
                ByteBuffer.allocate(8 + headerJson.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(headerJson.length).put(headerJson).put(data);
        return file.array();
    }

    /** The shared golden checkpoint written by an independent implementation. */
    public static Path golden(String file) {
        return Fixtures.golden(file);
    }
}
