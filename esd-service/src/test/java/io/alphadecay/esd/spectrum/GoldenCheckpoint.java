package io.alphadecay.esd.spectrum;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.alphadecay.esd.support.CheckpointBuilder;
import io.alphadecay.safetensors.MalformedCheckpointException;
import io.alphadecay.safetensors.SafetensorsHeader;
import io.alphadecay.safetensors.TensorDecoder;
import io.alphadecay.safetensors.TensorInfo;

/** Every 2-D tensor of the golden checkpoint, decoded with the service's own streaming reader. */
final class GoldenCheckpoint {

    record Matrix(int rows, int cols, double[] values) {}

    private final Map<String, Matrix> matrices;

    private GoldenCheckpoint(Map<String, Matrix> matrices) {
        this.matrices = matrices;
    }

    static Path fixture(String name) {
        return CheckpointBuilder.golden(name);
    }

    static GoldenCheckpoint read(Path path) throws IOException {
        Map<String, Matrix> matrices = new HashMap<>();
        try (InputStream in = Files.newInputStream(path)) {
            SafetensorsHeader header = SafetensorsHeader.read(in, 1 << 20);
            for (TensorInfo tensor : header.tensors()) {
                if (tensor.matrix()) {
                    matrices.put(
                            tensor.name(),
                            new Matrix(
                                    (int) tensor.shape()[0],
                                    (int) tensor.shape()[1],
                                    TensorDecoder.decode(in, tensor).values()));
                } else {
                    TensorDecoder.skip(in, tensor);
                }
            }
        } catch (MalformedCheckpointException ex) {
            throw new IOException("The golden fixture does not parse: " + ex.getMessage(), ex);
        }
        return new GoldenCheckpoint(matrices);
    }

    Matrix matrix(String name) {
        Matrix matrix = matrices.get(name);
        if (matrix == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return matrix;
    }
}
