package io.alphadecay.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Autograd through every operation of the model against central differences, in float64. */
class GradientCheckTest {

    private static final LlamaConfig SMALL = new LlamaConfig(16, 24, 2, 2, 13, 16);
    private static final double STEP = 1e-5;

    @Test
    void autogradMatchesCentralDifferencesForEveryParameter() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                LlamaModel model = LlamaModel.initialize(manager, SMALL, 11, DataType.FLOAT64)) {
            spreadWeights(manager, model);
            long[] inputs = tokens(1);
            long[] targets = tokens(2);
            try (NDManager step = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(model.loss(ids(step, inputs), ids(step, targets)));
            }

            Random random = new Random(3);
            for (NamedParameter parameter : model.parameters()) {
                double[] gradient;
                try (NDArray grad = parameter.array().getGradient()) {
                    gradient = grad.toDoubleArray();
                }
                assertThat(maxAbs(gradient)).as(parameter.name()).isGreaterThan(1e-4);
                for (int sample = 0; sample < 3; sample++) {
                    int index = random.nextInt(gradient.length);
                    double numeric = centralDifference(model, parameter.array(), index, inputs, targets);
                    assertThat(gradient[index])
                            .as("%s[%d]", parameter.name(), index)
                            .isCloseTo(numeric, within(1e-8 + 1e-6 * Math.abs(numeric)));
                }
            }
        }
    }

    /** Weights larger than the 0.02 init make attention far from uniform and every gradient sizeable. */
    private static void spreadWeights(NDManager manager, LlamaModel model) {
        for (NamedParameter parameter : model.parameters()) {
            boolean norm = parameter.name().endsWith("norm.weight");
            try (NDManager scope = manager.newSubManager()) {
                NDArray noise = Tensors.normal(
                        scope, 5, parameter.name(), parameter.array().getShape(), norm ? 0.2 : 0.4, DataType.FLOAT64);
                ArrayCopy.into(parameter.array(), norm ? noise.add(1.0) : noise);
            }
        }
    }

    private static double centralDifference(
            LlamaModel model, NDArray parameter, int index, long[] inputs, long[] targets) {
        double[] values = parameter.toDoubleArray();
        double original = values[index];
        values[index] = original + STEP;
        double plus = lossWith(model, parameter, values, inputs, targets);
        values[index] = original - STEP;
        double minus = lossWith(model, parameter, values, inputs, targets);
        values[index] = original;
        set(parameter, values);
        return (plus - minus) / (2 * STEP);
    }

    private static double lossWith(
            LlamaModel model, NDArray parameter, double[] values, long[] inputs, long[] targets) {
        set(parameter, values);
        try (NDManager step = parameter.getManager().newSubManager()) {
            return model.loss(ids(step, inputs), ids(step, targets)).getDouble();
        }
    }

    private static void set(NDArray parameter, double[] values) {
        try (NDArray source = parameter.getManager().create(values, parameter.getShape())) {
            ArrayCopy.into(parameter, source);
        }
    }

    private static NDArray ids(NDManager manager, long[] values) {
        return manager.create(values, new Shape(2, values.length / 2));
    }

    private static long[] tokens(long seed) {
        Random random = new Random(seed);
        long[] ids = new long[2 * 6];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(SMALL.vocabSize());
        }
        return ids;
    }

    private static double maxAbs(double[] values) {
        double max = 0;
        for (double value : values) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }
}
