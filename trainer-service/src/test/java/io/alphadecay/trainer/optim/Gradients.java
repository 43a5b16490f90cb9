package io.alphadecay.trainer.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.alphadecay.trainer.model.NamedParameter;

/** Test helpers: parameters with given values and gradients set through a real backward pass. */
final class Gradients {

    private Gradients() {}

    static NamedParameter parameter(NDManager manager, String name, float[] values, Shape shape) {
        NDArray array = manager.create(values, shape);
        array.setRequiresGradient(true);
        return new NamedParameter(name, array);
    }

    static float[] gaussian(Random random, int count, double std) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }

    /** Makes each parameter's gradient equal to the given values: d/dw Σ w·g = g. */
    static void set(List<NamedParameter> parameters, List<float[]> gradients) {
        NDManager manager = parameters.get(0).array().getManager();
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray total = null;
            for (int i = 0; i < parameters.size(); i++) {
                NDArray weight = parameters.get(i).array();
                NDArray term = scope.create(gradients.get(i), weight.getShape())
                        .mul(weight)
                        .sum();
                total = total == null ? term : total.add(term);
            }
            collector.backward(total);
        }
    }

    static List<float[]> values(List<NamedParameter> parameters) {
        List<float[]> values = new ArrayList<>();
        for (NamedParameter parameter : parameters) {
            values.add(parameter.array().toFloatArray());
        }
        return values;
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    static double norm(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += (double) value * value;
        }
        return Math.sqrt(sum);
    }
}
