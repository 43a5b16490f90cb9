package io.alphadecay.trainer.safetensors;

import java.util.Objects;

import ai.djl.ndarray.types.Shape;

/** One header entry: byte range [begin, end) relative to the start of the data section. */
public record TensorInfo(String name, String dtype, Shape shape, long begin, long end) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
    }

    public long byteLength() {
        return end - begin;
    }
}
