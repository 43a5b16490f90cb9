package io.alphadecay.safetensors;

import java.io.IOException;
import java.nio.FloatBuffer;

/** Values already on the heap, as a tensor to write. */
public record FloatTensor(String name, long[] shape, float[] data) implements WritableTensor {

    public FloatTensor {
        if (TensorInfo.elements(shape) != data.length) {
            throw new IllegalArgumentException(name + ": " + data.length + " values do not fill its shape");
        }
    }

    @Override
    public void values(Sink sink) throws IOException {
        sink.accept(FloatBuffer.wrap(data).asReadOnlyBuffer());
    }
}
