package io.alphadecay.trainer.model;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.alphadecay.safetensors.SafetensorsFile;
import io.alphadecay.safetensors.TensorInfo;
import io.alphadecay.safetensors.WritableTensor;

/** DJL arrays in and out of the safetensors module's writer and files. */
public final class SafetensorsArrays {

    private SafetensorsArrays() {}

    /** The parameters as tensors to write; each is copied to the host, as float32, only when its turn comes. */
    public static List<WritableTensor> tensors(List<NamedParameter> parameters) {
        return parameters.stream().<WritableTensor>map(Tensor::new).toList();
    }

    /** Every tensor of the file as a float32 array on the manager's device, keyed by name in header order. */
    public static Map<String, NDArray> arrays(SafetensorsFile file, NDManager manager) throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try {
            for (TensorInfo info : file.tensors().values()) {
                arrays.put(info.name(), manager.create(file.floats(info.name()), new Shape(info.shape())));
            }
        } catch (IOException | RuntimeException ex) {
            arrays.values().forEach(NDArray::close);
            throw ex;
        }
        return arrays;
    }

    private record Tensor(NamedParameter parameter) implements WritableTensor {

        @Override
        public String name() {
            return parameter.name();
        }

        @Override
        public long[] shape() {
            return parameter.array().getShape().getShape();
        }

        @Override
        public void values(Sink sink) throws IOException {
            NDArray array = parameter.array();
            NDArray floats = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
            try {
                // toByteBuffer copies a device tensor to the host, in the engine's native byte order
                sink.accept(floats.toByteBuffer().asFloatBuffer());
            } finally {
                if (floats != array) {
                    floats.close();
                }
            }
        }
    }
}
