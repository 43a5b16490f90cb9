package io.alphadecay.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;

import org.junit.jupiter.api.Test;

class TensorDecoderTest {

    @Test
    void convertsHalfPrecisionExactly() {
        assertThat(TensorDecoder.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(TensorDecoder.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(TensorDecoder.halfToFloat((short) 0x7bff)).isEqualTo(65504.0f);
        assertThat(TensorDecoder.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(TensorDecoder.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(TensorDecoder.halfToFloat((short) 0x8000)).isEqualTo(-0.0f);
        assertThat(TensorDecoder.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(TensorDecoder.halfToFloat((short) 0x7e00)).isNaN();
    }

    @Test
    void decodesEveryFloatTypeAndFlagsNonFiniteValues() throws Exception {
        TensorInfo bf16 = new TensorInfo("b", DType.BF16, new long[] {2}, 0, 4);
        var decoded =
                TensorDecoder.decode(new ByteArrayInputStream(new byte[] {(byte) 0x80, 0x3f, 0x40, (byte) 0xc0}), bf16);
        assertThat(decoded.values()).containsExactly(1.0, -3.0);
        assertThat(decoded.finite()).isTrue();

        TensorInfo f16 = new TensorInfo("h", DType.F16, new long[] {2}, 0, 4);
        var withInf = TensorDecoder.decode(new ByteArrayInputStream(new byte[] {0x00, 0x3c, 0x00, 0x7c}), f16);
        assertThat(withInf.values()[0]).isEqualTo(1.0);
        assertThat(withInf.finite()).isFalse();

        TensorInfo f64 = new TensorInfo("d", DType.F64, new long[] {1}, 0, 8);
        byte[] pi = java.nio.ByteBuffer.allocate(8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putDouble(Math.PI)
                .array();
        assertThat(TensorDecoder.decode(new ByteArrayInputStream(pi), f64).values())
                .containsExactly(Math.PI);
    }

    @Test
    void aTruncatedTensorIsMalformed() {
        TensorInfo f32 = new TensorInfo("w", DType.F32, new long[] {4}, 0, 16);
        assertThatThrownBy(() -> TensorDecoder.decode(new ByteArrayInputStream(new byte[10]), f32))
                .isInstanceOfSatisfying(
                        MalformedCheckpointException.class,
                        ex -> assertThat(ex.truncated()).isTrue());
        assertThatThrownBy(() -> TensorDecoder.skip(new ByteArrayInputStream(new byte[10]), f32))
                .isInstanceOf(MalformedCheckpointException.class);
    }
}
