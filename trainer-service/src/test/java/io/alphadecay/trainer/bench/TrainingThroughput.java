package io.alphadecay.trainer.bench;

import java.util.Arrays;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.alphadecay.trainer.model.LlamaConfig;
import io.alphadecay.trainer.model.LlamaModel;
import io.alphadecay.trainer.optim.AdamMode;
import io.alphadecay.trainer.optim.GradientClipping;
import io.alphadecay.trainer.optim.ModuleWiseAdam;

/**
 * Training tokens per second of one preset on random tokens: forward, backward, clipping and the optimizer step,
 * as the trainer runs them. Not a test; run by hand with
 * {@code java -cp ... io.alphadecay.trainer.bench.TrainingThroughput PRESET VOCAB BATCH SEQ STEPS}.
 */
public final class TrainingThroughput {

    private TrainingThroughput() {}

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        String preset = args.length > 0 ? args[0] : "cpu-small";
        int vocab = args.length > 1 ? Integer.parseInt(args[1]) : 8192;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int seq = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int warmup = 2;
        LlamaConfig config = LlamaConfig.preset(preset, vocab);
        Random random = new Random(1);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                LlamaModel model = LlamaModel.initialize(manager, config, 1);
                ModuleWiseAdam optimizer = new ModuleWiseAdam(model.parameters(), AdamMode.ADAMW, 0.1f)) {
            System.out.printf(
                    "%s: %,d parameters, batch %d x seq %d, %d threads%n",
                    preset,
                    config.parameterCount(),
                    batch,
                    seq,
                    Runtime.getRuntime().availableProcessors());
            double[] seconds = new double[steps];
            float loss = 0;
            for (int step = 0; step < warmup + steps; step++) {
                long start = System.nanoTime();
                try (NDManager scope = manager.newSubManager()) {
                    long[] ids = new long[batch * (seq + 1)];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = random.nextInt(config.vocabSize());
                    }
                    NDArray all = scope.create(ids, new Shape(batch, seq + 1));
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray value = model.loss(all.get(":, :-1"), all.get(":, 1:"));
                        collector.backward(value);
                        loss = value.getFloat();
                    }
                    GradientClipping.clipGlobalNorm(model.parameters(), 1.0);
                    optimizer.step(1e-3f);
                }
                if (step >= warmup) {
                    seconds[step - warmup] = (System.nanoTime() - start) / 1e9;
                }
            }
            // the median and the best step: on a machine shared with other builds the mean mostly measures them
            Arrays.sort(seconds);
            double median = seconds[steps / 2];
            double best = seconds[0];
            System.out.printf(
                    "median %.0f tokens/s (%.3f s/step), best %.0f tokens/s, last loss %.3f%n",
                    batch * seq / median, median, batch * seq / best, loss);
        }
    }
}
