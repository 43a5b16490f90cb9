package io.alphadecay.trainer.training;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.trainer.data.tokens.TokenBatches;
import io.alphadecay.trainer.model.LlamaModel;
import io.alphadecay.trainer.model.NamedParameter;
import io.alphadecay.trainer.optim.GradientClipping;
import io.alphadecay.trainer.optim.LearningRateSchedule;
import io.alphadecay.trainer.optim.ModuleWiseAdam;

/**
 * One optimizer step: forward and backward over the micro-batches, global-norm clipping, the non-finite check, then
 * the update, or a skip that leaves weights, moments and decays as they were.
 */
final class TrainingStep {

    /**
     * DJL's PyTorch engine allows one open GradientCollector per JVM, so slots in one process take turns for the
     * forward and backward pass. Parallel training on several devices wants one trainer process per device.
     */
    private static final ReentrantLock GRADIENTS = new ReentrantLock();
    /** A lone non-finite step is skipped; this many in a row mean the run has diverged. */
    static final int MAX_NON_FINITE_STEPS_IN_A_ROW = 5;

    private final RunConfig config;
    private final LlamaModel model;
    private final ModuleWiseAdam optimizer;
    private final TokenBatches batches;
    private final LearningRateSchedule schedule;
    private final NonFiniteSteps nonFinite = new NonFiniteSteps(MAX_NON_FINITE_STEPS_IN_A_ROW);

    TrainingStep(RunConfig config, LlamaModel model, ModuleWiseAdam optimizer, TokenBatches batches) {
        this.config = config;
        this.model = model;
        this.optimizer = optimizer;
        this.batches = batches;
        this.schedule = new LearningRateSchedule(
                config.learningRate(),
                config.warmupSteps(),
                config.steps(),
                config.minLrRatio(),
                LearningRateSchedule.Decay.parse(config.lrSchedule()));
    }

    /** What one step did; {@code skipped} steps leave the model unchanged. */
    record Result(
            long step,
            double loss,
            double gradNorm,
            float learningRate,
            boolean skipped,
            long skippedSoFar,
            double seconds) {}

    /** The micro-batches a step reads, so the data position after it is {@code firstBatch + this}. */
    int batchesPerStep() {
        return config.gradientAccumulation();
    }

    /**
     * Takes step {@code done + 1} from the batches at {@code firstBatch}.
     *
     * @throws ArithmeticException when too many steps in a row were not finite: the run has diverged
     */
    Result take(NDManager manager, long done, long firstBatch) {
        long started = System.nanoTime();
        long step = done + 1;
        float lr = (float) schedule.at(step); // the schedule numbers optimizer steps from 1
        int micro = config.gradientAccumulation();
        double loss = 0;
        try (NDManager scope = manager.newSubManager()) {
            for (int m = 0; m < micro; m++) {
                NDArray all = TokenArrays.of(scope, batches.batch(firstBatch + m));
                GRADIENTS.lock();
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray value = model.loss(all.get(":, :-1"), all.get(":, 1:"));
                    collector.backward(value.div(micro));
                    loss += value.getFloat() / micro;
                } finally {
                    GRADIENTS.unlock();
                }
            }
            double gradNorm = GradientClipping.clipGlobalNorm(
                    model.parameters(), config.gradClip() > 0 ? config.gradClip() : Double.POSITIVE_INFINITY);
            boolean skip;
            try {
                skip = nonFinite.skip(step, loss, gradNorm);
            } catch (ArithmeticException diverged) {
                throw new ArithmeticException(diverged.getMessage() + nonFiniteWeights());
            }
            if (skip) {
                optimizer.skipStep();
            } else {
                optimizer.step(lr);
            }
            return new Result(step, loss, gradNorm, lr, skip, nonFinite.skipped(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** Names the parameters that hold non-finite values, for the failure message of a diverged run. */
    private String nonFiniteWeights() {
        List<String> names = new ArrayList<>();
        // Runs once, as the run fails; the temporaries go with the model's manager.
        for (NamedParameter parameter : model.parameters()) {
            NDArray weights = parameter.array();
            if (weights.isNaN().logicalOr(weights.isInfinite()).any().getBoolean()) {
                names.add(parameter.name());
            }
        }
        return names.isEmpty()
                ? "; every weight is still finite"
                : "; weights with non-finite values: " + String.join(", ", names.subList(0, Math.min(5, names.size())))
                        + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
    }
}
