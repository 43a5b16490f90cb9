package io.alphadecay.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The model's logits against a plain-Java, loop-by-loop transcription of HuggingFace's LlamaForCausalLM forward
 * pass in double precision. It shares no code with the model, so head splitting, rotary layout, the mask and the
 * norms are each checked against their definition.
 */
class ReferenceForwardTest {

    private static final LlamaConfig SMALL = new LlamaConfig(16, 24, 2, 2, 13, 16);

    @Test
    void logitsMatchALoopByLoopReference() {
        Random random = new Random(21);
        int seq = 7;
        long[] ids = new long[2 * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(SMALL.vocabSize());
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                LlamaModel model = LlamaModel.initialize(manager, SMALL, 4, DataType.FLOAT64)) {
            Map<String, double[]> weights = new HashMap<>();
            for (NamedParameter parameter : model.parameters()) {
                boolean norm = parameter.name().endsWith("norm.weight");
                try (NDArray values = Tensors.normal(
                                manager,
                                8,
                                parameter.name(),
                                parameter.array().getShape(),
                                norm ? 0.3 : 0.5,
                                DataType.FLOAT64);
                        NDArray shifted = norm ? values.add(1.0) : null) {
                    ArrayCopy.into(parameter.array(), norm ? shifted : values);
                }
                weights.put(parameter.name(), parameter.array().toDoubleArray());
            }
            double[] logits =
                    model.logits(manager.create(ids, new Shape(2, seq))).toDoubleArray();

            for (int b = 0; b < 2; b++) {
                long[] row = new long[seq];
                System.arraycopy(ids, b * seq, row, 0, seq);
                double[][] expected = reference(weights, row);
                for (int t = 0; t < seq; t++) {
                    for (int v = 0; v < SMALL.vocabSize(); v++) {
                        double actual = logits[(b * seq + t) * SMALL.vocabSize() + v];
                        assertThat(Math.abs(actual - expected[t][v]))
                                .as("batch %d, position %d, token %d", b, t, v)
                                .isLessThan(1e-9);
                    }
                }
            }
        }
    }

    private static double[][] reference(Map<String, double[]> w, long[] ids) {
        int hidden = SMALL.hiddenSize();
        int seq = ids.length;
        double[][] x = new double[seq][hidden];
        for (int t = 0; t < seq; t++) {
            System.arraycopy(w.get("model.embed_tokens.weight"), (int) ids[t] * hidden, x[t], 0, hidden);
        }
        for (int layer = 0; layer < SMALL.numLayers(); layer++) {
            String p = "model.layers." + layer + ".";
            double[][] h = rmsNorm(x, w.get(p + "input_layernorm.weight"));
            double[][] attention = attention(
                    rope(linear(h, w.get(p + "self_attn.q_proj.weight"), hidden)),
                    rope(linear(h, w.get(p + "self_attn.k_proj.weight"), hidden)),
                    linear(h, w.get(p + "self_attn.v_proj.weight"), hidden));
            add(x, linear(attention, w.get(p + "self_attn.o_proj.weight"), hidden));
            h = rmsNorm(x, w.get(p + "post_attention_layernorm.weight"));
            double[][] gate = linear(h, w.get(p + "mlp.gate_proj.weight"), SMALL.intermediateSize());
            double[][] up = linear(h, w.get(p + "mlp.up_proj.weight"), SMALL.intermediateSize());
            for (int t = 0; t < seq; t++) {
                for (int j = 0; j < gate[t].length; j++) {
                    gate[t][j] = gate[t][j] / (1 + Math.exp(-gate[t][j])) * up[t][j];
                }
            }
            add(x, linear(gate, w.get(p + "mlp.down_proj.weight"), hidden));
        }
        return linear(rmsNorm(x, w.get("model.norm.weight")), w.get("lm_head.weight"), SMALL.vocabSize());
    }

    /** y = x·Wᵀ with W stored [out, in] row-major. */
    private static double[][] linear(double[][] x, double[] weight, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double sum = 0;
                for (int i = 0; i < in; i++) {
                    sum += x[t][i] * weight[o * in + i];
                }
                y[t][o] = sum;
            }
        }
        return y;
    }

    private static double[][] rmsNorm(double[][] x, double[] weight) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            double meanSquare = 0;
            for (double value : x[t]) {
                meanSquare += value * value / x[t].length;
            }
            double scale = 1 / Math.sqrt(meanSquare + 1e-6);
            for (int i = 0; i < x[t].length; i++) {
                y[t][i] = x[t][i] * scale * weight[i];
            }
        }
        return y;
    }

    /** Per head: element j and j + d/2 rotate together by angle position · 10000^(-2j/d). */
    private static double[][] rope(double[][] x) {
        int d = SMALL.headDim();
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            for (int head = 0; head < SMALL.numHeads(); head++) {
                int base = head * d;
                for (int j = 0; j < d / 2; j++) {
                    double angle = t * Math.pow(10000.0, -2.0 * j / d);
                    double first = x[t][base + j];
                    double second = x[t][base + j + d / 2];
                    y[t][base + j] = first * Math.cos(angle) - second * Math.sin(angle);
                    y[t][base + j + d / 2] = second * Math.cos(angle) + first * Math.sin(angle);
                }
            }
        }
        return y;
    }

    private static double[][] attention(double[][] q, double[][] k, double[][] v) {
        int d = SMALL.headDim();
        double[][] out = new double[q.length][q[0].length];
        for (int head = 0; head < SMALL.numHeads(); head++) {
            int base = head * d;
            for (int t = 0; t < q.length; t++) {
                double[] scores = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    for (int j = 0; j < d; j++) {
                        scores[s] += q[t][base + j] * k[s][base + j];
                    }
                    scores[s] /= Math.sqrt(d);
                    max = Math.max(max, scores[s]);
                }
                double total = 0;
                for (int s = 0; s <= t; s++) {
                    scores[s] = Math.exp(scores[s] - max);
                    total += scores[s];
                }
                for (int s = 0; s <= t; s++) {
                    for (int j = 0; j < d; j++) {
                        out[t][base + j] += scores[s] / total * v[s][base + j];
                    }
                }
            }
        }
        return out;
    }

    private static void add(double[][] x, double[][] delta) {
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                x[t][i] += delta[t][i];
            }
        }
    }
}
