package io.alphadecay.trainer.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.alphadecay.safetensors.SafetensorsFile;
import io.alphadecay.safetensors.SafetensorsWriter;
import io.alphadecay.trainer.model.ArrayCopy;
import io.alphadecay.trainer.model.NamedParameter;
import io.alphadecay.trainer.model.SafetensorsArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Save weights and optimizer state through safetensors, restore them elsewhere, and continue identically. */
class OptimizerCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void aRestoredOptimizerContinuesExactlyLikeTheOriginal() throws IOException {
        Random random = new Random(12);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            List<NamedParameter> original = parameters(manager, random);
            List<NamedParameter> resumed = parameters(manager, random);
            try (ModuleWiseAdam first = new ModuleWiseAdam(original, AdamMode.ADAMW, 0.1f);
                    ModuleWiseAdam second = new ModuleWiseAdam(resumed, AdamMode.ADAMW, 0.0f)) {
                first.setDecay("w1", 0.4f);
                for (int step = 0; step < 3; step++) {
                    Gradients.set(original, gradients(random));
                    first.step(0.01f);
                }
                Path file = dir.resolve("checkpoint.safetensors");
                List<NamedParameter> saved = new ArrayList<>(original);
                saved.addAll(first.stateTensors());
                try (OutputStream out = Files.newOutputStream(file)) {
                    SafetensorsWriter.write(out, first.stateMetadata(), SafetensorsArrays.tensors(saved));
                }

                SafetensorsFile checkpoint = SafetensorsFile.open(file);
                Map<String, NDArray> arrays = SafetensorsArrays.arrays(checkpoint, manager);
                for (NamedParameter parameter : resumed) {
                    ArrayCopy.into(parameter.array(), arrays.get(parameter.name()));
                }
                second.restore(checkpoint.metadata(), arrays);

                assertThat(second.stepCount()).isEqualTo(3);
                assertThat(second.decays()).isEqualTo(first.decays());
                List<float[]> next = gradients(random);
                Gradients.set(original, next);
                Gradients.set(resumed, next);
                first.step(0.01f);
                second.step(0.01f);
                for (int i = 0; i < original.size(); i++) {
                    assertThat(resumed.get(i).array().toFloatArray())
                            .containsExactly(original.get(i).array().toFloatArray());
                }
            }
        }
    }

    @Test
    void restoreRefusesAnotherModeOrMissingMoments() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            List<NamedParameter> parameters = parameters(manager, new Random(1));
            try (ModuleWiseAdam adamW = new ModuleWiseAdam(parameters, AdamMode.ADAMW, 0.1f);
                    ModuleWiseAdam adam = new ModuleWiseAdam(parameters, AdamMode.ADAM, 0.1f)) {
                Map<String, NDArray> tensors = new HashMap<>();
                adamW.stateTensors().forEach(t -> tensors.put(t.name(), t.array()));

                assertThatThrownBy(() -> adam.restore(adamW.stateMetadata(), tensors))
                        .hasMessageContaining("mode");
                tensors.remove(ModuleWiseAdam.SECOND_MOMENT_PREFIX + "w0");
                assertThatThrownBy(() -> adamW.restore(adamW.stateMetadata(), tensors))
                        .hasMessageContaining("lacks optimizer.exp_avg_sq.w0");
                Map<String, String> badStep = new LinkedHashMap<>(adamW.stateMetadata());
                badStep.put(ModuleWiseAdam.STEP_KEY, "-3");
                assertThatThrownBy(() -> adamW.restore(badStep, tensors)).hasMessageContaining("step count");
            }
        }
    }

    private static List<NamedParameter> parameters(NDManager manager, Random random) {
        return List.of(
                Gradients.parameter(manager, "w0", Gradients.gaussian(random, 20, 0.5), new Shape(4, 5)),
                Gradients.parameter(manager, "w1", Gradients.gaussian(random, 7, 0.5), new Shape(7)));
    }

    private static List<float[]> gradients(Random random) {
        return List.of(Gradients.gaussian(random, 20, 0.1), Gradients.gaussian(random, 7, 0.1));
    }
}
