package io.alphadecay.trainer.model;

import java.util.Objects;

import ai.djl.ndarray.types.Shape;

/**
 * Name, shape and kind of one model parameter, known from the configuration alone, so that shapes of the large
 * presets can be checked without allocating them.
 */
public record ParameterSpec(String name, Shape shape, Kind kind) {

    /** How a parameter is initialised: norms start at one, everything else from N(0, 0.02). */
    public enum Kind {
        EMBEDDING,
        LINEAR,
        NORM
    }

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(kind, "kind");
    }

    public long elementCount() {
        return shape.size();
    }
}
