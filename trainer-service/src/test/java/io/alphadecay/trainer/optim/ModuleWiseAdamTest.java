package io.alphadecay.trainer.optim;

import static io.alphadecay.trainer.optim.Gradients.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.alphadecay.trainer.model.NamedParameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModuleWiseAdamTest {

    private static final List<Shape> SHAPES = List.of(new Shape(4, 6), new Shape(6), new Shape(2, 3, 5));
    private static final float LR = 1e-2f;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void withEqualDecaysAdamWMatchesDjlsBuiltInAdamWStepForStep() {
        Random random = new Random(1);
        List<NamedParameter> mine = parameters(random);
        List<NDArray> theirs = copies(mine);
        Optimizer djl = Optimizer.adamW()
                .optLearningRateTracker(Tracker.fixed(LR))
                .optWeightDecays(0.1f)
                .optBeta1(0.9f)
                .optBeta2(0.999f)
                .optEpsilon(1e-8f)
                .build();

        try (ModuleWiseAdam optimizer = new ModuleWiseAdam(mine, AdamMode.ADAMW, 0.1f)) {
            for (int step = 0; step < 12; step++) {
                List<float[]> gradients = gradients(random);
                Gradients.set(mine, gradients);
                optimizer.step(LR);
                for (int i = 0; i < mine.size(); i++) {
                    try (NDArray gradient = manager.create(gradients.get(i), SHAPES.get(i))) {
                        djl.update(mine.get(i).name(), theirs.get(i), gradient);
                    }
                    assertThat(maxAbsDifference(
                                    mine.get(i).array().toFloatArray(),
                                    theirs.get(i).toFloatArray()))
                            .as("step %d, %s", step, mine.get(i).name())
                            .isLessThanOrEqualTo(1e-6);
                }
            }
            assertThat(optimizer.stepCount()).isEqualTo(12);
        }
    }

    @Test
    void adamMatchesAHandWrittenCoupledL2ReferenceWhileDecaysChange() {
        checkAgainstReference(AdamMode.ADAM);
    }

    @Test
    void adamWMatchesAHandWrittenDecoupledReferenceWhileDecaysChange() {
        checkAgainstReference(AdamMode.ADAMW);
    }

    @Test
    void changingADecayKeepsTheMoments() {
        Random random = new Random(4);
        List<NamedParameter> parameters = parameters(random);
        try (ModuleWiseAdam optimizer = new ModuleWiseAdam(parameters, AdamMode.ADAMW, 0.0f)) {
            for (int step = 0; step < 2; step++) {
                Gradients.set(parameters, gradients(random));
                optimizer.step(LR);
            }
            float[] firstMoment = optimizer.stateTensors().get(0).array().toFloatArray();
            float[] secondMoment = optimizer.stateTensors().get(1).array().toFloatArray();

            optimizer.setDecays(
                    Map.of(parameters.get(0).name(), 0.5f, parameters.get(2).name(), 0.2f));

            assertThat(optimizer.stateTensors().get(0).array().toFloatArray()).containsExactly(firstMoment);
            assertThat(optimizer.stateTensors().get(1).array().toFloatArray()).containsExactly(secondMoment);
            assertThat(optimizer.decay(parameters.get(0).name())).isEqualTo(0.5f);
            assertThat(optimizer.decay(parameters.get(1).name())).isEqualTo(0.0f);

            List<float[]> gradients = gradients(random);
            Gradients.set(parameters, gradients);
            optimizer.step(LR);
            // m ← β₁m + (1−β₁)g continues from the old m rather than restarting from zero
            float[] expected = new float[firstMoment.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = 0.9f * firstMoment[i] + 0.1f * gradients.get(0)[i];
            }
            assertThat(maxAbsDifference(optimizer.stateTensors().get(0).array().toFloatArray(), expected))
                    .isLessThan(1e-7);
        }
    }

    @Test
    void aHighDecayShrinksItsWeightsFasterThanNoDecayUnderTheSameGradients() {
        Random random = new Random(5);
        float[] start = Gradients.gaussian(random, 64, 1.0);
        List<NamedParameter> pair = List.of(
                Gradients.parameter(manager, "high", start, new Shape(8, 8)),
                Gradients.parameter(manager, "none", start.clone(), new Shape(8, 8)));
        try (ModuleWiseAdam optimizer = new ModuleWiseAdam(pair, AdamMode.ADAMW, 0.0f)) {
            optimizer.setDecay("high", 0.5f);
            for (int step = 0; step < 20; step++) {
                float[] gradient = Gradients.gaussian(random, 64, 0.1);
                Gradients.set(pair, List.of(gradient, gradient.clone()));
                optimizer.step(0.05f);
            }
            double high = Gradients.norm(pair.get(0).array().toFloatArray());
            double none = Gradients.norm(pair.get(1).array().toFloatArray());
            assertThat(high).isLessThan(none * 0.7);
        }
    }

    @Test
    void withoutGradientsOnlyTheDecayMovesTheWeights() {
        float[] start = Gradients.gaussian(new Random(6), 32, 1.0);
        List<NamedParameter> pair = List.of(
                Gradients.parameter(manager, "high", start, new Shape(32)),
                Gradients.parameter(manager, "none", start.clone(), new Shape(32)));
        try (ModuleWiseAdam optimizer = new ModuleWiseAdam(pair, AdamMode.ADAMW, 0.0f)) {
            optimizer.setDecay("high", 0.4f);
            for (int step = 0; step < 10; step++) {
                Gradients.set(pair, List.of(new float[32], new float[32]));
                optimizer.step(0.1f);
            }
            float[] high = pair.get(0).array().toFloatArray();
            assertThat(pair.get(1).array().toFloatArray()).containsExactly(start);
            double factor = Math.pow(1 - 0.1 * 0.4, 10);
            for (int i = 0; i < start.length; i++) {
                assertThat((double) high[i]).isCloseTo(start[i] * factor, within(1e-6));
            }
        }
    }

    @Test
    void gradientsAreZeroAfterAStep() {
        Random random = new Random(7);
        List<NamedParameter> parameters = parameters(random);
        try (ModuleWiseAdam optimizer = new ModuleWiseAdam(parameters, AdamMode.ADAM, 0.01f)) {
            Gradients.set(parameters, gradients(random));
            assertThat(parameters.get(0).array().getGradient().toFloatArray()).isNotEqualTo(new float[24]);
            optimizer.step(LR);
            for (NamedParameter parameter : parameters) {
                try (NDArray gradient = parameter.array().getGradient()) {
                    assertThat(gradient.toFloatArray()).as(parameter.name()).containsOnly(0f);
                }
            }
        }
    }

    @Test
    void rejectsInvalidDecaysRatesAndNames() {
        List<NamedParameter> parameters = parameters(new Random(8));
        try (ModuleWiseAdam optimizer = new ModuleWiseAdam(parameters, AdamMode.ADAMW, 0.1f)) {
            assertThatThrownBy(() -> optimizer.setDecay("nope", 0.1f)).hasMessageContaining("unknown parameters");
            assertThatThrownBy(() -> optimizer.setDecay("p0", -0.1f)).hasMessageContaining(">= 0");
            assertThatThrownBy(() -> optimizer.setDecay("p0", Float.NaN)).hasMessageContaining(">= 0");
            assertThatThrownBy(() -> optimizer.step(Float.POSITIVE_INFINITY)).hasMessageContaining("learning rate");
            assertThat(optimizer.decays()).containsEntry("p0", 0.1f).hasSize(3);
            assertThat(optimizer.stepCount()).isZero();
        }
        assertThat(AdamMode.parse(" AdamW ")).isEqualTo(AdamMode.ADAMW);
        assertThatThrownBy(() -> AdamMode.parse("sgd")).hasMessageContaining("unknown optimizer");
    }

    /**
     * A double-precision reference with the decay added to the gradient (Adam) or applied to the weights with the
     * raw learning rate (AdamW). Decays change after step 5 for two of the parameters.
     */
    private void checkAgainstReference(AdamMode mode) {
        Random random = new Random(mode.ordinal() + 2);
        List<NamedParameter> parameters = parameters(random);
        List<double[]> weights = new ArrayList<>();
        List<double[]> means = new ArrayList<>();
        List<double[]> variances = new ArrayList<>();
        for (float[] values : Gradients.values(parameters)) {
            weights.add(toDouble(values));
            means.add(new double[values.length]);
            variances.add(new double[values.length]);
        }
        double[] decays = {0.05, 0.0, 0.2};
        try (ModuleWiseAdam optimizer = new ModuleWiseAdam(parameters, mode, 0.0f)) {
            for (int i = 0; i < parameters.size(); i++) {
                optimizer.setDecay(parameters.get(i).name(), (float) decays[i]);
            }
            for (int step = 1; step <= 12; step++) {
                if (step == 6) {
                    decays = new double[] {0.3, 0.1, 0.2};
                    optimizer.setDecays(Map.of("p0", 0.3f, "p1", 0.1f));
                }
                List<float[]> gradients = gradients(random);
                Gradients.set(parameters, gradients);
                optimizer.step(LR);
                for (int i = 0; i < parameters.size(); i++) {
                    referenceStep(
                            mode, step, decays[i], weights.get(i), means.get(i), variances.get(i), gradients.get(i));
                    float[] actual = parameters.get(i).array().toFloatArray();
                    for (int j = 0; j < actual.length; j++) {
                        assertThat((double) actual[j])
                                .as("step %d, p%d[%d]", step, i, j)
                                .isCloseTo(weights.get(i)[j], within(1e-6));
                    }
                }
            }
        }
    }

    private static void referenceStep(
            AdamMode mode, int step, double decay, double[] w, double[] m, double[] v, float[] gradient) {
        double beta1 = 0.9;
        double beta2 = 0.999;
        for (int j = 0; j < w.length; j++) {
            double g = gradient[j];
            if (mode == AdamMode.ADAM) {
                g += decay * w[j];
            } else {
                w[j] -= LR * decay * w[j];
            }
            m[j] = beta1 * m[j] + (1 - beta1) * g;
            v[j] = beta2 * v[j] + (1 - beta2) * g * g;
            // DJL's (and TensorFlow's) placement of ε: lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε). The textbook
            // m̂/(√v̂ + ε) differs by a few 1e-6 here for gradients near 1e-3 at the first steps.
            double stepSize = LR * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
            w[j] -= stepSize * m[j] / (Math.sqrt(v[j]) + 1e-8);
        }
    }

    @Test
    void aSkippedStepDropsNonFiniteGradientsAndChangesNothingElse() {
        Random random = new Random(7);
        List<NamedParameter> parameters = parameters(random);
        try (ModuleWiseAdam optimizer = new ModuleWiseAdam(parameters, AdamMode.ADAMW, 0.1f)) {
            Gradients.set(parameters, gradients(random));
            optimizer.step(LR);
            List<float[]> weights = Gradients.values(parameters);
            List<float[]> moments = optimizer.stateTensors().stream()
                    .map(t -> t.array().toFloatArray())
                    .toList();

            List<float[]> poisoned = gradients(random);
            poisoned.get(0)[0] = Float.NaN;
            poisoned.get(2)[3] = Float.POSITIVE_INFINITY;
            Gradients.set(parameters, poisoned);
            optimizer.skipStep();

            assertThat(optimizer.stepCount()).isEqualTo(1);
            for (int i = 0; i < parameters.size(); i++) {
                assertThat(parameters.get(i).array().toFloatArray()).containsExactly(weights.get(i));
                assertThat(parameters.get(i).array().getGradient().toFloatArray())
                        .containsOnly(0f);
            }
            for (int i = 0; i < moments.size(); i++) {
                assertThat(optimizer.stateTensors().get(i).array().toFloatArray())
                        .containsExactly(moments.get(i));
            }

            // The next good step is an ordinary one: it updates from its own gradients only.
            Gradients.set(parameters, gradients(random));
            optimizer.step(LR);
            assertThat(optimizer.stepCount()).isEqualTo(2);
            assertThat(Gradients.values(parameters)).allSatisfy(values -> {
                for (float value : values) {
                    assertThat(Float.isFinite(value)).isTrue();
                }
            });
        }
    }

    private List<NamedParameter> parameters(Random random) {
        List<NamedParameter> parameters = new ArrayList<>();
        for (int i = 0; i < SHAPES.size(); i++) {
            Shape shape = SHAPES.get(i);
            parameters.add(
                    Gradients.parameter(manager, "p" + i, Gradients.gaussian(random, (int) shape.size(), 0.5), shape));
        }
        return parameters;
    }

    private static List<float[]> gradients(Random random) {
        List<float[]> gradients = new ArrayList<>();
        for (Shape shape : SHAPES) {
            gradients.add(Gradients.gaussian(random, (int) shape.size(), 0.1));
        }
        return gradients;
    }

    private List<NDArray> copies(List<NamedParameter> parameters) {
        List<NDArray> copies = new ArrayList<>();
        for (NamedParameter parameter : parameters) {
            copies.add(manager.create(
                    parameter.array().toFloatArray(), parameter.array().getShape()));
        }
        return copies;
    }

    private static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
