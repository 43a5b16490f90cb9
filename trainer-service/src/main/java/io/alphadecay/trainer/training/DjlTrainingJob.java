package io.alphadecay.trainer.training;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.alphadecay.api.client.EsdClient;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.trainer.checkpoint.CheckpointStore;
import io.alphadecay.trainer.data.TrainingData;
import io.alphadecay.trainer.data.tokens.TokenBatches;
import io.alphadecay.trainer.model.LlamaConfig;
import io.alphadecay.trainer.model.LlamaModel;
import io.alphadecay.trainer.optim.AdamMode;
import io.alphadecay.trainer.optim.ModuleWiseAdam;
import io.alphadecay.trainer.training.TrainingCheckpoints.TrainerState;

/**
 * Trains one run with the DJL engine: the data and tokenizer, the LLaMA model and module-wise Adam/AdamW, then the
 * loop of steps with, at their intervals, the hand-off of weights for analysis, evaluation and checkpoints. Every
 * word to the control-api goes through the {@link TrainingJob.Control} the worker gives it.
 */
public final class DjlTrainingJob implements TrainingJob {

    private final Run run;
    private final RunConfig config;
    private final Path home;
    private final Device device;
    private final CheckpointStore checkpoints;
    private final EsdClient esd;
    private final ExecutorService background;

    public DjlTrainingJob(
            Run run, Path home, Device device, CheckpointStore checkpoints, EsdClient esd, ExecutorService background) {
        this.run = run;
        this.config = run.config();
        this.home = home;
        this.device = device;
        this.checkpoints = checkpoints;
        this.esd = esd;
        this.background = background;
    }

    @Override
    public Outcome run(Control control) throws Exception {
        try (TrainingData data = TrainingData.prepare(
                        home, config.dataset(), config.tokenizer(), message -> control.event("note", message));
                NDManager manager = NDManager.newBaseManager(device)) {
            LlamaConfig architecture = architecture(data.vocabSize());
            int micro = config.batchSize() / config.gradientAccumulation();
            int seqLen = config.sequenceLength();
            try (LlamaModel model = LlamaModel.initialize(manager, architecture, config.seed());
                    ModuleWiseAdam optimizer =
                            new ModuleWiseAdam(model.parameters(), AdamMode.parse(config.optimizer()), (float)
                                    config.effectiveWeightDecay())) {
                TrainingCheckpoints saved =
                        new TrainingCheckpoints(run.id(), checkpoints, config.keepCheckpoints(), control);
                TrainerState state = saved.resume(model, optimizer, manager);
                TokenBatches batches = data.train(config.seed(), micro, seqLen);
                TrainingStep steps = new TrainingStep(config, model, optimizer, batches);
                Evaluation evaluation = new Evaluation(data.validation(micro, seqLen, config.evalBatches()));
                AnalysisHandoff analyses = new AnalysisHandoff(
                        run.id(),
                        config,
                        device,
                        esd,
                        background,
                        control,
                        new DecaySchedule(config, model.parameters()));
                if (train(state, steps, analyses, evaluation, saved, model, optimizer, manager, control)) {
                    return Outcome.STOPPED; // an analysis still under way is not waited for: its answer is not needed
                }
                analyses.finish();
                HuggingFaceExport.write(
                        home.resolve("exports").resolve(run.id().toString()), model, architecture, seqLen, data);
                return Outcome.COMPLETED;
            }
        }
    }

    /** The loop; returns true if it stopped early because the worker asked it to. */
    private boolean train(
            TrainerState resumed,
            TrainingStep steps,
            AnalysisHandoff analyses,
            Evaluation evaluation,
            TrainingCheckpoints saved,
            LlamaModel model,
            ModuleWiseAdam optimizer,
            NDManager manager,
            Control control)
            throws Exception {
        long step = resumed.step();
        long tokens = resumed.tokensSeen();
        long batchIndex = resumed.batchIndex();
        long tokensPerStep = (long) config.batchSize() * config.sequenceLength();
        long started = System.nanoTime();
        while (step < config.steps()) {
            if (control.stopRequested()) {
                if (step > resumed.step()) {
                    saved.save(model, optimizer, new TrainerState(step, tokens, batchIndex));
                }
                return true;
            }
            analyses.offer(step, model);
            analyses.applyArrived(optimizer);

            TrainingStep.Result result = steps.take(manager, step, batchIndex);
            step = result.step();
            batchIndex += steps.batchesPerStep();
            tokens += tokensPerStep;
            report(result, tokensPerStep, control);
            double elapsed = (System.nanoTime() - started) / 1e9;
            control.progress(step, tokens, elapsed / (step - resumed.step()) * (config.steps() - step));

            boolean last = step == config.steps();
            if (step % config.evalInterval() == 0 || last) {
                double valLoss = evaluation.loss(model, manager);
                control.metric("val_loss", step, valLoss);
                control.metric("val_perplexity", step, Math.exp(valLoss));
            }
            if (step % config.checkpointInterval() == 0 || last) {
                saved.save(model, optimizer, new TrainerState(step, tokens, batchIndex));
            }
        }
        return false;
    }

    private static void report(TrainingStep.Result result, long tokensPerStep, Control control) {
        long step = result.step();
        if (result.skipped()) {
            control.event(
                    "warning",
                    "Step " + step + " skipped: loss " + result.loss() + ", gradient norm " + result.gradNorm()
                            + "; weights, optimizer state and decays are unchanged");
            control.metric("skipped_steps", step, result.skippedSoFar());
            return;
        }
        control.metric("train_loss", step, result.loss());
        control.metric("learning_rate", step, result.learningRate());
        control.metric("grad_norm", step, result.gradNorm());
        control.metric("tokens_per_second", step, tokensPerStep / result.seconds());
        control.metric("step_seconds", step, result.seconds());
    }

    private LlamaConfig architecture(int vocab) {
        if ("custom".equals(config.preset())) {
            RunConfig.Architecture a = config.architecture();
            return new LlamaConfig(
                    a.hiddenSize(),
                    a.intermediateSize(),
                    a.numLayers(),
                    a.numHeads(),
                    a.vocabSize() == null ? vocab : a.vocabSize(),
                    config.sequenceLength());
        }
        return LlamaConfig.preset(config.preset(), vocab);
    }
}
