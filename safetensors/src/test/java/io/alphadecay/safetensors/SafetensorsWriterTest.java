package io.alphadecay.trainer.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.alphadecay.trainer.model.NamedParameter;
import tools.jackson.databind.JsonNode;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private NDManager manager;
    private List<NamedParameter> tensors;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu());
        tensors = List.of(
                new NamedParameter("model.layers.0.self_attn.q_proj.weight", manager.arange(0f, 6f).reshape(2, 3)),
                new NamedParameter("model.norm.weight", manager.create(new float[] {1.5f, -2f, 3.25f})),
                // float64 input is written as F32
                new NamedParameter("scalar", manager.create(7.0).toType(DataType.FLOAT64, false)),
                new NamedParameter("lm_head.weight", manager.arange(0f, 40000f).reshape(200, 200).div(7f)));
        metadata.put("format", "pt");
        metadata.put("step", "120");
        metadata.put("note", "quotes \" and \\ survive");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void headerHasMetadataContiguousOffsetsAndEightByteAlignment() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.write(out, metadata, tensors);
        byte[] bytes = out.toByteArray();

        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong(0);
        assertThat(headerLength % 8).isZero();
        assertThat(bytes.length).isEqualTo(SafetensorsWriter.size(metadata, tensors));
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{").matches("(?s).*\\} *");

        JsonNode json = SafetensorsWriter.JSON.readTree(header);
        assertThat(json.get("__metadata__").get("step").stringValue()).isEqualTo("120");
        assertThat(json.get("__metadata__").get("note").stringValue()).isEqualTo("quotes \" and \\ survive");
        long expectedBegin = 0;
        Iterator<String> names = json.propertyNames().iterator();
        assertThat(names.next()).isEqualTo("__metadata__");
        for (NamedParameter tensor : tensors) {
            assertThat(names.next()).isEqualTo(tensor.name());
            JsonNode entry = json.get(tensor.name());
            assertThat(entry.get("dtype").stringValue()).isEqualTo("F32");
            List<Long> shape = new ArrayList<>();
            entry.get("shape").values().forEach(n -> shape.add(n.longValue()));
            assertThat(shape).containsExactlyElementsOf(toList(tensor.array().getShape()));
            assertThat(entry.get("data_offsets").get(0).longValue()).isEqualTo(expectedBegin);
            expectedBegin += 4 * tensor.array().getShape().size();
            assertThat(entry.get("data_offsets").get(1).longValue()).isEqualTo(expectedBegin);
        }
        assertThat(8 + headerLength + expectedBegin).isEqualTo(bytes.length);
        // the second tensor's values, little-endian right after the first's 6 floats
        long dataStart = 8 + headerLength;
        assertThat(buffer.getFloat((int) dataStart + 6 * 4)).isEqualTo(1.5f);
        assertThat(buffer.getFloat((int) dataStart + 8 * 4)).isEqualTo(3.25f);
        assertThat(buffer.getFloat((int) dataStart + 9 * 4)).isEqualTo(7f);
    }

    @Test
    void streamsInSmallWritesRatherThanOneModelSizedBuffer() throws IOException {
        List<Integer> writes = new ArrayList<>();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
            }
        };
        SafetensorsWriter.write(counting, metadata, tensors);

        long total = writes.stream().mapToLong(Integer::longValue).sum();
        assertThat(total).isEqualTo(SafetensorsWriter.size(metadata, tensors));
        // lm_head alone is 160 kB: it has to arrive in several chunks
        assertThat(writes).allMatch(len -> len <= 64 * 1024);
        assertThat(writes.size()).isGreaterThan(4);
    }

    @Test
    void readerReturnsWhatTheWriterWrote() throws IOException {
        Path file = dir.resolve("weights.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            SafetensorsWriter.write(out, metadata, tensors);
        }

        SafetensorsFile read = SafetensorsReader.open(file);

        assertThat(read.metadata()).isEqualTo(metadata);
        assertThat(read.tensors().keySet()).containsExactly(tensors.stream().map(NamedParameter::name)
                .toArray(String[]::new));
        assertThat(read.tensors().get("lm_head.weight").shape()).isEqualTo(new Shape(200, 200));
        assertThat(read.floats("model.norm.weight")).containsExactly(1.5f, -2f, 3.25f);
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> arrays = read.toArrays(scope);
            assertThat(arrays.get("scalar").getShape()).isEqualTo(new Shape());
            assertThat(arrays.get("scalar").getFloat()).isEqualTo(7f);
            assertThat(arrays.get("lm_head.weight").toFloatArray())
                    .containsExactly(tensors.get(3).array().toFloatArray());
        }
    }

    @Test
    void readerRejectsTruncatedAndInconsistentFiles() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.write(out, metadata, tensors);
        byte[] bytes = out.toByteArray();

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> SafetensorsReader.open(truncated)).hasMessageContaining("cover");

        Path hole = dir.resolve("hole.safetensors");
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        Files.write(hole, fileWithHeader(json, 8));
        assertThatThrownBy(() -> SafetensorsReader.open(hole)).hasMessageContaining("starts at byte 4").hasMessageContaining("(hole)");

        Path wrongSize = dir.resolve("size.safetensors");
        Files.write(wrongSize, fileWithHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertThatThrownBy(() -> SafetensorsReader.open(wrongSize)).hasMessageContaining("holds 8 bytes but its shape and dtype need 12");

        Path hugeHeader = dir.resolve("huge.safetensors");
        Files.write(hugeHeader, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> SafetensorsReader.open(hugeHeader)).hasMessageContaining("Header length 1099511627776 is outside");
    }

    @Test
    void writerRejectsDuplicateNames() {
        List<NamedParameter> duplicate = List.of(tensors.get(1), tensors.get(1));
        assertThatThrownBy(() -> SafetensorsWriter.write(OutputStream.nullOutputStream(), Map.of(), duplicate))
                .hasMessageContaining("duplicate");
    }

    private static byte[] fileWithHeader(String json, int dataBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).array();
    }

    private static List<Long> toList(Shape shape) {
        List<Long> dims = new ArrayList<>();
        for (long dim : shape.getShape()) {
            dims.add(dim);
        }
        return dims;
    }
}
