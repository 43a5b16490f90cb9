package io.alphadecay.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class RotaryEmbeddingTest {

    @Test
    void rotateHalfNegatesTheSecondHalfAndSwapsTheHalves() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = manager.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4));
            assertThat(RotaryEmbedding.rotateHalf(x).toFloatArray()).containsExactly(-3, -4, 1, 2, -7, -8, 5, 6);
        }
    }

    @Test
    void frequencyIPairsElementIWithElementIPlusHalfTheHead() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            RotaryEmbedding rotary = new RotaryEmbedding(manager, 4, 10000.0, DataType.FLOAT64);
            // positions 0..2 of the same unit vector along element 0, then along element 1
            NDArray first = manager.create(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}, new Shape(3, 4));
            NDArray second = manager.create(new double[] {0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0}, new Shape(3, 4));

            double[] a = rotary.apply(first).toDoubleArray();
            double[] b = rotary.apply(second).toDoubleArray();

            // inv_freq = 10000^(-2i/4) = [1, 0.01]; q' = q·cos + rotate_half(q)·sin
            for (int pos = 0; pos < 3; pos++) {
                assertThat(a[pos * 4]).isCloseTo(Math.cos(pos), within(1e-12));
                assertThat(a[pos * 4 + 1]).isCloseTo(0.0, within(1e-12));
                assertThat(a[pos * 4 + 2]).isCloseTo(Math.sin(pos), within(1e-12));
                assertThat(b[pos * 4 + 1]).isCloseTo(Math.cos(0.01 * pos), within(1e-12));
                assertThat(b[pos * 4 + 3]).isCloseTo(Math.sin(0.01 * pos), within(1e-12));
            }
        }
    }

    @Test
    void rotatedScoresDependOnlyOnTheRelativePosition() {
        int seq = 12;
        int head = 16;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                LlamaModel model = LlamaModel.initialize(manager, LlamaConfig.preset("tiny", 50), 1)) {
            Random random = new Random(9);
            float[] q = new float[head];
            float[] k = new float[head];
            for (int i = 0; i < head; i++) {
                q[i] = (float) random.nextGaussian();
                k[i] = (float) random.nextGaussian();
            }
            // the same q at every position and the same k at every position: [1 head, seq, head dim]
            NDArray qs = manager.create(repeat(q, seq), new Shape(1, seq, head));
            NDArray ks = manager.create(repeat(k, seq), new Shape(1, seq, head));
            assertThat(model.config().headDim()).isEqualTo(head);

            NDArray rq = model.rotary().apply(qs);
            NDArray rk = model.rotary().apply(ks);
            float[] scores = rq.matMul(rk.transpose(0, 2, 1)).toFloatArray();

            for (int m = 0; m + 1 < seq; m++) {
                for (int n = 0; n + 1 < seq; n++) {
                    assertThat(scores[(m + 1) * seq + n + 1])
                            .as("(%d, %d)", m, n)
                            .isCloseTo(scores[m * seq + n], within(2e-5f));
                }
            }
            // and it does depend on the relative position
            assertThat(Math.abs(scores[5] - scores[0])).isGreaterThan(1e-2f);
        }
    }

    private static float[] repeat(float[] vector, int times) {
        float[] result = new float[vector.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(vector, 0, result, i * vector.length, vector.length);
        }
        return result;
    }
}
