package io.alphadecay.trainer.model;

import java.util.Objects;

import ai.djl.ndarray.NDArray;

/**
 * A tensor under its HuggingFace name. For model parameters the array has its gradient attached; the optimizer and
 * the safetensors writer use the same pairing for moments and checkpoints.
 */
public record NamedParameter(String name, NDArray array) {

    public NamedParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(array, "array");
    }
}
