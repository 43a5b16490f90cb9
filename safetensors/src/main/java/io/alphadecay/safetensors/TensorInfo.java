package io.alphadecay.safetensors;

import java.util.Arrays;

/** One tensor's entry in the header: its bytes are {@code [begin, end)} of the data section. */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public long byteLength() {
        return end - begin;
    }

    public long elements() {
        return elements(shape);
    }

    /** The number of values a shape holds: 1 for a scalar's empty shape. */
    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public boolean matrix() {
        return shape.length == 2;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorInfo t
                && name.equals(t.name)
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
