package io.alphadecay.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.alphadecay.trainer.model.NamedParameter;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void returnsTheGlobalNormAndScalesEveryGradientOnlyWhenItIsAboveTheLimit() {
        Random random = new Random(2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            List<NamedParameter> parameters = List.of(
                    Gradients.parameter(manager, "a", Gradients.gaussian(random, 12, 1), new Shape(3, 4)),
                    Gradients.parameter(manager, "b", Gradients.gaussian(random, 5, 1), new Shape(5)));
            float[] ga = Gradients.gaussian(random, 12, 2);
            float[] gb = Gradients.gaussian(random, 5, 2);
            double expected = Math.hypot(Gradients.norm(ga), Gradients.norm(gb));
            Gradients.set(parameters, List.of(ga, gb));

            double unclipped = GradientClipping.clipGlobalNorm(parameters, expected * 2);
            assertThat(unclipped).isCloseTo(expected, within(1e-5 * expected));
            assertThat(gradient(parameters.get(0))).containsExactly(ga);

            double before = GradientClipping.clipGlobalNorm(parameters, expected / 4);
            assertThat(before).isCloseTo(expected, within(1e-5 * expected));
            float[] clippedA = gradient(parameters.get(0));
            float[] clippedB = gradient(parameters.get(1));
            assertThat(Math.hypot(Gradients.norm(clippedA), Gradients.norm(clippedB)))
                    .isCloseTo(expected / 4, within(1e-5 * expected));
            // the direction is kept: every entry scaled by the same factor
            assertThat((double) clippedB[3] / gb[3]).isCloseTo((double) clippedA[7] / ga[7], within(1e-5));

            double measured = GradientClipping.clipGlobalNorm(parameters, 0);
            assertThat(measured).isCloseTo(expected / 4, within(1e-5 * expected));
        }
    }

    private static float[] gradient(NamedParameter parameter) {
        try (NDArray gradient = parameter.array().getGradient()) {
            return gradient.toFloatArray();
        }
    }
}
