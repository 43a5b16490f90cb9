package io.alphadecay.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.alphadecay.trainer.optim.AdamMode;
import io.alphadecay.trainer.optim.GradientClipping;
import io.alphadecay.trainer.optim.ModuleWiseAdam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LlamaModelTest {

    private static final int VOCAB = 97;
    private static NDManager manager;
    private static LlamaModel model;

    @BeforeAll
    static void createModel() {
        manager = NDManager.newBaseManager(Device.cpu());
        model = LlamaModel.initialize(manager, LlamaConfig.preset("tiny", VOCAB), 7);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    @Test
    void parametersFollowTheSpecsAndTheirInitialisation() {
        List<ParameterSpec> specs = model.config().parameterSpecs();
        List<NamedParameter> parameters = model.parameters();

        assertThat(parameters).hasSize(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            assertThat(parameters.get(i).name()).isEqualTo(specs.get(i).name());
            assertThat(parameters.get(i).array().getShape())
                    .isEqualTo(specs.get(i).shape());
            assertThat(parameters.get(i).array().hasGradient()).isTrue();
        }
        float[] embed = parameters.get(0).array().toFloatArray();
        assertThat(std(embed)).isCloseTo(0.02, within(0.001));
        assertThat(parameters.get(specs.size() - 2).array().toFloatArray()).containsOnly(1f);
        assertThat(model.device()).isEqualTo(Device.cpu());
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedOthers() {
        try (LlamaModel same = LlamaModel.initialize(manager, model.config(), 7);
                LlamaModel other = LlamaModel.initialize(manager, model.config(), 8)) {
            float[] mine = model.parameters().get(1).array().toFloatArray();
            assertThat(same.parameters().get(1).array().toFloatArray()).containsExactly(mine);
            assertThat(other.parameters().get(1).array().toFloatArray()).isNotEqualTo(mine);
        }
    }

    @Test
    void logitsHaveOneRowPerTokenAndLossAtInitIsNearUniform() {
        try (NDManager step = manager.newSubManager()) {
            NDArray ids = tokens(step, 2, 12, 3);
            NDArray logits = model.logits(ids);

            assertThat(logits.getShape()).isEqualTo(new Shape(2, 12, VOCAB));
            assertThat(logits.getManager()).isSameAs(step);
            // N(0, 0.02) weights give almost flat logits, so the loss is close to ln(vocab)
            float loss = model.loss(ids, tokens(step, 2, 12, 4)).getFloat();
            assertThat((double) loss).isCloseTo(Math.log(VOCAB), within(0.05));
        }
    }

    @Test
    void lossIsTheMeanCrossEntropyOfTheLogits() {
        try (NDManager step = manager.newSubManager()) {
            NDArray ids = tokens(step, 2, 5, 1);
            NDArray targets = tokens(step, 2, 5, 2);
            float[] logits = model.logits(ids).toFloatArray();
            long[] target = targets.toLongArray();

            double expected = 0;
            for (int row = 0; row < target.length; row++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < VOCAB; j++) {
                    max = Math.max(max, logits[row * VOCAB + j]);
                }
                double sum = 0;
                for (int j = 0; j < VOCAB; j++) {
                    sum += Math.exp(logits[row * VOCAB + j] - max);
                }
                expected += max + Math.log(sum) - logits[row * VOCAB + (int) target[row]];
            }
            expected /= target.length;

            assertThat((double) model.loss(ids, targets).getFloat()).isCloseTo(expected, within(1e-5));
        }
    }

    @Test
    void changingALaterTokenLeavesEarlierLogitsUnchanged() {
        try (NDManager step = manager.newSubManager()) {
            long[] first = tokens(step, 1, 10, 5).toLongArray();
            long[] second = first.clone();
            second[6] = (second[6] + 1) % VOCAB;
            float[] a = model.logits(step.create(first, new Shape(1, 10))).toFloatArray();
            float[] b = model.logits(step.create(second, new Shape(1, 10))).toFloatArray();

            for (int pos = 0; pos < 10; pos++) {
                double diff = 0;
                for (int j = 0; j < VOCAB; j++) {
                    diff = Math.max(diff, Math.abs(a[pos * VOCAB + j] - b[pos * VOCAB + j]));
                }
                if (pos < 6) {
                    assertThat(diff).as("position %d", pos).isEqualTo(0.0);
                } else {
                    assertThat(diff).as("position %d", pos).isGreaterThan(1e-4);
                }
            }
        }
    }

    @Test
    void loadCopiesWeightsInPlaceAndChecksNamesAndShapes() {
        try (NDManager step = manager.newSubManager();
                LlamaModel other = LlamaModel.initialize(manager, model.config(), 99)) {
            NDArray ids = tokens(step, 1, 6, 8);
            NDArray before = other.parameters().get(3).array();
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (NamedParameter parameter : model.parameters()) {
                weights.put(parameter.name(), parameter.array().duplicate());
            }

            other.load(weights);

            assertThat(other.parameters().get(3).array()).isSameAs(before);
            assertThat(other.parameters().get(3).array().hasGradient()).isTrue();
            assertThat(other.logits(ids).toFloatArray())
                    .containsExactly(model.logits(ids).toFloatArray());

            Map<String, NDArray> missing = new HashMap<>(weights);
            missing.remove("model.norm.weight");
            assertThatThrownBy(() -> other.load(missing)).hasMessageContaining("missing parameter model.norm.weight");
            Map<String, NDArray> extra = new HashMap<>(weights);
            extra.put("model.layers.9.mlp.up_proj.weight", step.zeros(new Shape(1)));
            assertThatThrownBy(() -> other.load(extra)).hasMessageContaining("unknown parameters");
            Map<String, NDArray> wrongShape = new HashMap<>(weights);
            wrongShape.put("model.norm.weight", step.ones(new Shape(63)));
            assertThatThrownBy(() -> other.load(wrongShape)).hasMessageContaining("has shape (63)");
            weights.values().forEach(NDArray::close);
        }
    }

    @Test
    void lossFallsOnARepeatedSequence() {
        try (LlamaModel fresh = LlamaModel.initialize(manager, model.config(), 3);
                ModuleWiseAdam optimizer = new ModuleWiseAdam(fresh.parameters(), AdamMode.ADAMW, 0.01f)) {
            long[] pattern = new long[2 * 17];
            for (int i = 0; i < pattern.length; i++) {
                pattern[i] = (i * 7 + i / 17) % 11 + 5;
            }
            float first = 0;
            float last = 0;
            for (int iteration = 0; iteration < 30; iteration++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray all = step.create(pattern, new Shape(2, 17));
                    NDArray inputs = all.get(":, :16");
                    NDArray targets = all.get(":, 1:");
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = fresh.loss(inputs, targets);
                        collector.backward(loss);
                        last = loss.getFloat();
                    }
                    optimizer.step(3e-3f);
                }
                if (iteration == 0) {
                    first = last;
                }
            }
            assertThat(last).isLessThan(first * 0.3f);
        }
    }

    @Test
    void aTrainingStepOnASubManagerLeavesNoArraysBehind() {
        try (NDManager owner = manager.newSubManager();
                LlamaModel fresh = LlamaModel.initialize(owner, model.config(), 5);
                ModuleWiseAdam optimizer = new ModuleWiseAdam(fresh.parameters(), AdamMode.ADAMW, 0.1f)) {
            int[] counts = new int[3];
            for (int iteration = 0; iteration < counts.length; iteration++) {
                try (NDManager step = owner.newSubManager()) {
                    NDArray ids = tokens(step, 2, 8, iteration);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(fresh.loss(ids, ids));
                    }
                    GradientClipping.clipGlobalNorm(fresh.parameters(), 1.0);
                    optimizer.step(1e-3f);
                }
                counts[iteration] = owner.getManagedArrays().size();
            }
            // parameters, moments, rotary tables and the mask stay; nothing accumulates per step
            assertThat(counts[2]).isEqualTo(counts[0]);
            assertThat(counts[0]).isLessThanOrEqualTo(3 * fresh.parameters().size() + 3);
        }
    }

    @Test
    void rejectsBadInputs() {
        try (NDManager step = manager.newSubManager()) {
            assertThatThrownBy(() -> model.logits(step.zeros(new Shape(4)))).hasMessageContaining("[batch, seq]");
            assertThatThrownBy(() -> model.logits(step.zeros(new Shape(1, 300))))
                    .hasMessageContaining("maxPositions");
            assertThatThrownBy(() -> model.loss(tokens(step, 1, 4, 1), tokens(step, 1, 5, 1)))
                    .hasMessageContaining("do not match");
        }
    }

    private static NDArray tokens(NDManager step, int batch, int seq, long seed) {
        Random random = new Random(seed);
        long[] ids = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(VOCAB);
        }
        return step.create(ids, new Shape(batch, seq));
    }

    private static double std(float[] values) {
        double sum = 0;
        double squares = 0;
        for (float v : values) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / values.length;
        return Math.sqrt(squares / values.length - mean * mean);
    }
}
