package io.alphadecay.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private List<FloatTensor> tensors;

    @BeforeEach
    void tensors() {
        float[] head = new float[40_000];
        for (int i = 0; i < head.length; i++) {
            head[i] = i / 7f;
        }
        tensors = List.of(
                new FloatTensor(
                        "model.layers.0.self_attn.q_proj.weight", new long[] {2, 3}, new float[] {0, 1, 2, 3, 4, 5}),
                new FloatTensor("model.norm.weight", new long[] {3}, new float[] {1.5f, -2f, 3.25f}),
                new FloatTensor("scalar", new long[0], new float[] {7f}),
                new FloatTensor("lm_head.weight", new long[] {200, 200}, head));
        metadata.put("format", "pt");
        metadata.put("step", "120");
        metadata.put("note", "quotes \" and \\ survive");
    }

    @Test
    void headerHasMetadataContiguousOffsetsAndEightByteAlignment() throws IOException {
        byte[] bytes = TestFiles.written(metadata, tensors);

        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong(0);
        assertThat(headerLength % 8).isZero();
        assertThat(bytes.length).isEqualTo(SafetensorsWriter.size(metadata, tensors));
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{").matches("(?s).*\\} *");

        JsonNode json = JsonMapper.builder().build().readTree(header);
        assertThat(json.get("__metadata__").get("step").stringValue()).isEqualTo("120");
        assertThat(json.get("__metadata__").get("note").stringValue()).isEqualTo("quotes \" and \\ survive");
        long expectedBegin = 0;
        Iterator<String> names = json.propertyNames().iterator();
        assertThat(names.next()).isEqualTo("__metadata__");
        for (FloatTensor tensor : tensors) {
            assertThat(names.next()).isEqualTo(tensor.name());
            JsonNode entry = json.get(tensor.name());
            assertThat(entry.get("dtype").stringValue()).isEqualTo("F32");
            List<Long> shape = new ArrayList<>();
            entry.get("shape").values().forEach(n -> shape.add(n.longValue()));
            assertThat(shape)
                    .containsExactlyElementsOf(
                            Arrays.stream(tensor.shape()).boxed().toList());
            assertThat(entry.get("data_offsets").get(0).longValue()).isEqualTo(expectedBegin);
            expectedBegin += 4L * tensor.data().length;
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
    void theFileReadsBackWhatWasWritten() throws IOException {
        Path file = dir.resolve("weights.safetensors");
        Files.write(file, TestFiles.written(metadata, tensors));

        SafetensorsFile read = SafetensorsFile.open(file);

        assertThat(read.metadata()).isEqualTo(metadata);
        assertThat(read.tensors().keySet())
                .containsExactly(tensors.stream().map(FloatTensor::name).toArray(String[]::new));
        assertThat(read.tensors().get("lm_head.weight").shape()).containsExactly(200, 200);
        assertThat(read.tensors().get("scalar").shape()).isEmpty();
        assertThat(read.floats("model.norm.weight")).containsExactly(1.5f, -2f, 3.25f);
        assertThat(read.floats("lm_head.weight")).containsExactly(tensors.get(3).data());
        assertThatThrownBy(() -> read.floats("missing")).hasMessageContaining("no tensor missing");
    }

    @Test
    void theFileRefusesTruncatedAndInconsistentContent() throws IOException {
        byte[] bytes = TestFiles.written(metadata, tensors);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> SafetensorsFile.open(truncated)).hasMessageContaining("cover");

        Path hole = dir.resolve("hole.safetensors");
        Files.write(
                hole,
                TestFiles.assemble(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"
                                .getBytes(StandardCharsets.UTF_8),
                        new byte[8]));
        assertThatThrownBy(() -> SafetensorsFile.open(hole))
                .hasMessageContaining("starts at byte 4")
                .hasMessageContaining("(hole)");

        Path wrongSize = dir.resolve("size.safetensors");
        Files.write(
                wrongSize,
                TestFiles.assemble(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"
                                .getBytes(StandardCharsets.UTF_8),
                        new byte[8]));
        assertThatThrownBy(() -> SafetensorsFile.open(wrongSize))
                .hasMessageContaining("holds 8 bytes but its shape and dtype need 12");

        Path hugeHeader = dir.resolve("huge.safetensors");
        Files.write(
                hugeHeader,
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(1L << 40)
                        .array());
        assertThatThrownBy(() -> SafetensorsFile.open(hugeHeader))
                .hasMessageContaining("Header length 1099511627776 is outside");
    }

    @Test
    void theWriterRefusesDuplicateNamesAndShortValues() {
        List<FloatTensor> duplicate = List.of(tensors.get(1), tensors.get(1));
        assertThatThrownBy(() -> SafetensorsWriter.write(OutputStream.nullOutputStream(), Map.of(), duplicate))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> new FloatTensor("w", new long[] {2, 2}, new float[3]))
                .hasMessageContaining("do not fill its shape");
        WritableTensor lying = new WritableTensor() {
            public String name() {
                return "w";
            }

            public long[] shape() {
                return new long[] {4};
            }

            public void values(Sink sink) throws IOException {
                sink.accept(java.nio.FloatBuffer.wrap(new float[3]));
            }
        };
        assertThatThrownBy(() -> SafetensorsWriter.write(OutputStream.nullOutputStream(), Map.of(), List.of(lying)))
                .hasMessageContaining("gave 3 values for 4 elements");
    }
}
