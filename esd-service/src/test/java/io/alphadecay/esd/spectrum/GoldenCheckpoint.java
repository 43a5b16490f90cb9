package io.alphadecay.esd.spectrum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Test-only reader of the small golden safetensors file, whole into memory. Stands in until the streaming reader in
 * io.alphadecay.esd.safetensors lands; it knows just the F32, BF16 and F16 tensors the fixture holds.
 */
final class GoldenCheckpoint {

    /** The shared fixtures, from the module directory (Maven's working directory for tests). */
    static final Path FIXTURES = Path.of("..", "..", "shared", "fixtures", "esd");

    record Matrix(int rows, int cols, double[] values) {
    }

    private final JsonNode header;
    private final ByteBuffer data;

    private GoldenCheckpoint(JsonNode header, ByteBuffer data) {
        this.header = header;
        this.data = data;
    }

    static Path fixture(String name) {
        Path path = FIXTURES.resolve(name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("Missing golden fixture " + path.toAbsolutePath().normalize()
                    + ": the shared fixtures must lie beside the repository, in ../shared/fixtures/esd");
        }
        return path;
    }

    static GoldenCheckpoint read(Path path) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(file.getLong(0));
        String json = new String(file.array(), 8, headerLength, StandardCharsets.UTF_8);
        ByteBuffer data = file.position(8 + headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new GoldenCheckpoint(JsonMapper.builder().build().readTree(json), data);
    }

    Matrix matrix(String name) {
        JsonNode info = header.get(name);
        if (info == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        int rows = info.get("shape").get(0).asInt();
        int cols = info.get("shape").get(1).asInt();
        int begin = info.get("data_offsets").get(0).asInt();
        String dtype = info.get("dtype").asString();
        double[] values = new double[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (dtype) {
                case "F32" -> data.getFloat(begin + 4 * i);
                case "BF16" -> Float.intBitsToFloat((data.getShort(begin + 2 * i) & 0xffff) << 16);
                case "F16" -> halfToFloat(data.getShort(begin + 2 * i));
                default -> throw new IllegalArgumentException(name + ": dtype " + dtype);
            };
        }
        return new Matrix(rows, cols, values);
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat is Java 20+). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) { // Inf or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa·2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
