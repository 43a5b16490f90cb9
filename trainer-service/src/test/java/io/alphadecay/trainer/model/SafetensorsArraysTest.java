package io.alphadecay.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.alphadecay.safetensors.SafetensorsFile;
import io.alphadecay.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsArraysTest {

    @TempDir
    Path dir;

    @Test
    void arraysRoundTripThroughAFileAsFloat32() throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            List<NamedParameter> parameters = List.of(
                    new NamedParameter(
                            "lm_head.weight",
                            manager.arange(0f, 40000f).reshape(200, 200).div(7f)),
                    // float64 input is written as F32
                    new NamedParameter("scalar", manager.create(7.0).toType(DataType.FLOAT64, false)));
            Path file = dir.resolve("weights.safetensors");
            try (OutputStream out = Files.newOutputStream(file)) {
                SafetensorsWriter.write(out, Map.of("step", "3"), SafetensorsArrays.tensors(parameters));
            }

            Map<String, NDArray> arrays = SafetensorsArrays.arrays(SafetensorsFile.open(file), manager);

            assertThat(arrays.keySet()).containsExactly("lm_head.weight", "scalar");
            assertThat(arrays.get("lm_head.weight").getShape()).isEqualTo(new Shape(200, 200));
            assertThat(arrays.get("lm_head.weight").toFloatArray())
                    .containsExactly(parameters.get(0).array().toFloatArray());
            assertThat(arrays.get("scalar").getShape()).isEqualTo(new Shape());
            assertThat(arrays.get("scalar").getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(arrays.get("scalar").getFloat()).isEqualTo(7f);
        }
    }
}
