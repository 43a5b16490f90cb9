package io.alphadecay.safetensors;

import java.io.IOException;
import java.nio.FloatBuffer;

/**
 * A tensor to write as F32: its name and shape up front, for the header, and its values only when its turn comes,
 * so a writer never holds more than one tensor's values at a time.
 */
public interface WritableTensor {

    String name();

    long[] shape();

    /** Hands the row-major values to {@code sink} once; the buffer is valid only during the call. */
    void values(Sink sink) throws IOException;

    @FunctionalInterface
    interface Sink {
        void accept(FloatBuffer values) throws IOException;
    }

    default long elements() {
        return TensorInfo.elements(shape());
    }
}
