package io.alphadecay.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import io.alphadecay.testing.Fixtures;
import org.junit.jupiter.api.Test;

class SafetensorsHeaderTest {

    @Test
    void readsTheGoldenHeaderInDataOrder() throws Exception {
        try (InputStream in = Files.newInputStream(Fixtures.golden("golden-small.safetensors"))) {
            SafetensorsHeader header = SafetensorsHeader.read(in, 1 << 20);

            assertThat(header.metadata()).containsEntry("run_id", "golden").containsEntry("step", "500");
            assertThat(header.tensors()).hasSize(9);
            assertThat(header.tensors().get(0).name()).isEqualTo("model.embed_tokens.weight");
            assertThat(header.tensors()).extracting(TensorInfo::dtype).contains(DType.F32, DType.BF16, DType.F16);
            assertThat(header.dataBytes()).isEqualTo(Files.size(Fixtures.golden("golden-small.safetensors")) - 8 - 960);
        }
    }

    @Test
    void refusesATruncatedPrefixOrHeader() throws Exception {
        assertKind(new byte[] {1, 2, 3}, "truncated");
        byte[] full = TestFiles.written(Map.of(), List.of(new FloatTensor("w", new long[] {4, 4}, new float[16])));
        byte[] cut = java.util.Arrays.copyOf(full, 20);
        assertKind(cut, "truncated");
    }

    @Test
    void refusesAHeaderLengthOutOfRange() {
        byte[] huge = TestFiles.assemble("{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        huge[7] = 0x7f;
        assertKind(huge, "header-length");
        assertKind(TestFiles.assemble(new byte[1], new byte[0]), "header-length");
    }

    @Test
    void refusesInvalidJsonAndWrongTypes() {
        assertKind(header("{\"a\": "), "header-json");
        assertKind(header("[1, 2]"), "header-json");
        assertKind(header("{\"__metadata__\": {\"step\": 5}}"), "header-json");
        assertKind(
                header("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                        + " \"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}"),
                "header-json");
    }

    @Test
    void refusesUnknownDtypesAndInconsistentShapes() {
        assertKind(header("{\"w\": {\"dtype\": \"F128\", \"shape\": [1], \"data_offsets\": [0, 16]}}"), "dtype");
        assertKind(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}"), "shape");
        assertKind(header("{\"w\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}"), "shape");
        assertKind(
                header("{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 8]}}"),
                "shape");
    }

    @Test
    void refusesOverlappingHolesAndOutOfRangeOffsets() {
        assertKind(
                header("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                        + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}"),
                "offsets");
        assertKind(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}"), "offsets");
        assertKind(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 4]}}"), "offsets");
        assertKind(header("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}"), "offsets");
    }

    private static byte[] header(String json) {
        return TestFiles.assemble(json.getBytes(StandardCharsets.UTF_8), new byte[64]);
    }

    private static void assertKind(byte[] file, String kind) {
        assertThatThrownBy(() -> SafetensorsHeader.read(new ByteArrayInputStream(file), 1 << 20))
                .isInstanceOfSatisfying(
                        MalformedCheckpointException.class,
                        ex -> assertThat(ex.kind()).isEqualTo(kind));
    }
}
