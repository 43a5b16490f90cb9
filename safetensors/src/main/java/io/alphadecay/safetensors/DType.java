package io.alphadecay.safetensors;

import java.util.Arrays;
import java.util.Optional;

/** The element types of the safetensors format; only the floating ones can be analysed. */
public enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F8_E4M3(1, false),
    F8_E5M2(1, false),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    private final int bytes;
    private final boolean decodable;

    DType(int bytes, boolean decodable) {
        this.bytes = bytes;
        this.decodable = decodable;
    }

    public int bytes() {
        return bytes;
    }

    /** Whether {@link TensorDecoder} turns it into doubles. */
    public boolean decodable() {
        return decodable;
    }

    public static Optional<DType> of(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }
}
