package io.alphadecay.trainer.training;

import io.alphadecay.trainer.data.Dirs;
import io.alphadecay.trainer.data.tokens.TokenBatches;
import io.alphadecay.trainer.data.TrainingData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.safetensors.SafetensorsFile;
import io.alphadecay.safetensors.SafetensorsWriter;
import io.alphadecay.trainer.checkpoint.CheckpointStore;
import io.alphadecay.trainer.client.ControlApiClient;
import io.alphadecay.trainer.client.EsdClient;
import io.alphadecay.trainer.model.LlamaConfig;
import io.alphadecay.trainer.model.LlamaModel;
import io.alphadecay.trainer.model.NamedParameter;
import io.alphadecay.trainer.model.SafetensorsArrays;
import io.alphadecay.trainer.optim.AdamMode;
import io.alphadecay.trainer.optim.GradientClipping;
import io.alphadecay.trainer.optim.LearningRateSchedule;
import io.alphadecay.trainer.optim.ModuleWiseAdam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains one run with the DJL engine: the data and tokenizer, the LLaMA model, module-wise Adam/AdamW, the
 * learning-rate schedule, evaluation, checkpoints and, for the alphadecay policy, analyses by the esd-service whose
 * decays take effect at the next step boundary after they arrive (or before the next step, with {@code sync}).
 */
public final class DjlTrainingJob implements TrainingJob {

    private static final Logger log = LoggerFactory.getLogger(DjlTrainingJob.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MODEL_FILE = "model.safetensors";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final String STATE_FILE = "trainer-state.json";
    /**
     * DJL's PyTorch engine allows one open GradientCollector per JVM, so slots in one process take turns for the
     * forward and backward pass. Parallel training on several devices wants one trainer process per device.
     */
    private static final ReentrantLock GRADIENTS = new ReentrantLock();
    /** A lone non-finite step is skipped; this many in a row mean the run has diverged. */
    static final int MAX_NON_FINITE_STEPS_IN_A_ROW = 5;

    private final ControlApiClient.Run run;
    private final RunConfig config;
    private final Path home;
    private final Device device;
    private final CheckpointStore checkpoints;
    private final ControlApiClient controlApi;
    private final EsdClient esd;
    private final ExecutorService background;

    public DjlTrainingJob(ControlApiClient.Run run, Path home, Device device, CheckpointStore checkpoints,
            ControlApiClient controlApi, EsdClient esd, ExecutorService background) {
        this.run = run;
        this.config = run.config();
        this.home = home;
        this.device = device;
        this.checkpoints = checkpoints;
        this.controlApi = controlApi;
        this.esd = esd;
        this.background = background;
    }

    /** What a resumed run needs besides weights and moments. */
    record TrainerState(long step, long tokensSeen, long batchIndex) {
    }

    @Override
    public Outcome run(Control control) throws Exception {
        try (TrainingData data = TrainingData.prepare(home, config.dataset(), config.tokenizer(),
                message -> control.event("note", message));
                NDManager manager = NDManager.newBaseManager(device)) {
            LlamaConfig architecture = architecture(data.vocabSize());
            int micro = config.batchSize() / config.gradientAccumulation();
            int seqLen = config.sequenceLength();
            try (LlamaModel model = LlamaModel.initialize(manager, architecture, config.seed());
                    ModuleWiseAdam optimizer = new ModuleWiseAdam(model.parameters(), AdamMode.parse(config.optimizer()),
                            (float) baseDecay())) {
                TrainerState state = resume(model, optimizer, manager, control);
                TokenBatches batches = data.train(config.seed(), micro, seqLen);
                List<int[][]> validation = data.validation(micro, seqLen, config.evalBatches());
                LearningRateSchedule schedule = new LearningRateSchedule(config.learningRate(), config.warmupSteps(),
                        config.steps(), config.minLrRatio(), LearningRateSchedule.Decay.parse(config.lrSchedule()));
                DecaySchedule decays = new DecaySchedule(config, model.parameters());
                AtomicReference<Map<String, Double>> arrived = new AtomicReference<>();
                CompletableFuture<?> analysis = CompletableFuture.completedFuture(null);
                NonFiniteSteps nonFinite = new NonFiniteSteps(MAX_NON_FINITE_STEPS_IN_A_ROW);

                long step = state.step();
                long tokens = state.tokensSeen();
                long batchIndex = state.batchIndex();
                long started = System.nanoTime();
                long startStep = step;
                while (step < config.steps()) {
                    if (control.stopRequested()) {
                        if (step > startStep) {
                            checkpoint(model, optimizer, new TrainerState(step, tokens, batchIndex), control);
                        }
                        return Outcome.STOPPED;
                    }
                    if (decays.analysedAt(step)) {
                        analysis = analyse(model, step, decays.appliesDecays() ? arrived : new AtomicReference<>(),
                                control);
                        if (config.decay().sync()) {
                            analysis.join();
                        }
                    }
                    Map<String, Double> fresh = arrived.getAndSet(null);
                    if (fresh != null) {
                        optimizer.setDecays(decays.assignment(fresh));
                    }

                    long stepStart = System.nanoTime();
                    float lr = (float) schedule.at(step + 1); // the schedule numbers optimizer steps from 1
                    double loss = 0;
                    try (NDManager scope = manager.newSubManager()) {
                        for (int m = 0; m < config.gradientAccumulation(); m++) {
                            NDArray all = tokens(scope, batches.batch(batchIndex++));
                            GRADIENTS.lock();
                            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                                NDArray value = model.loss(all.get(":, :-1"), all.get(":, 1:"));
                                collector.backward(value.div(config.gradientAccumulation()));
                                loss += value.getFloat() / config.gradientAccumulation();
                            }
                            finally {
                                GRADIENTS.unlock();
                            }
                        }
                        double gradNorm = config.gradClip() > 0
                                ? GradientClipping.clipGlobalNorm(model.parameters(), config.gradClip())
                                : GradientClipping.clipGlobalNorm(model.parameters(), Double.POSITIVE_INFINITY);
                        boolean skip;
                        try {
                            skip = nonFinite.skip(step + 1, loss, gradNorm);
                        }
                        catch (ArithmeticException diverged) {
                            throw new ArithmeticException(diverged.getMessage() + nonFiniteWeights(model));
                        }
                        step++;
                        tokens += (long) config.batchSize() * seqLen;
                        if (skip) {
                            optimizer.skipStep();
                            control.event("warning", "Step " + step + " skipped: loss " + loss + ", gradient norm "
                                    + gradNorm + "; weights, optimizer state and decays are unchanged");
                            control.metric("skipped_steps", step, nonFinite.skipped());
                        }
                        else {
                            optimizer.step(lr);
                            double seconds = (System.nanoTime() - stepStart) / 1e9;
                            control.metric("train_loss", step, loss);
                            control.metric("learning_rate", step, lr);
                            control.metric("grad_norm", step, gradNorm);
                            control.metric("tokens_per_second", step, config.batchSize() * seqLen / seconds);
                            control.metric("step_seconds", step, seconds);
                        }
                    }
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    double eta = elapsed / (step - startStep) * (config.steps() - step);
                    control.progress(step, tokens, eta);
                    if (step % config.evalInterval() == 0 || step == config.steps()) {
                        double valLoss = evaluate(model, manager, validation);
                        control.metric("val_loss", step, valLoss);
                        control.metric("val_perplexity", step, Math.exp(valLoss));
                    }
                    if (step % config.checkpointInterval() == 0 || step == config.steps()) {
                        checkpoint(model, optimizer, new TrainerState(step, tokens, batchIndex), control);
                    }
                }
                analysis.join();
                export(model, data, architecture);
                return Outcome.COMPLETED;
            }
        }
    }

    /** Names the parameters that hold non-finite values, for the failure message of a diverged run. */
    private static String nonFiniteWeights(LlamaModel model) {
        List<String> names = new ArrayList<>();
        // Runs once, as the run fails; the temporaries go with the model's manager.
        for (NamedParameter parameter : model.parameters()) {
            NDArray weights = parameter.array();
            if (weights.isNaN().logicalOr(weights.isInfinite()).any().getBoolean()) {
                names.add(parameter.name());
            }
        }
        return names.isEmpty() ? "; every weight is still finite"
                : "; weights with non-finite values: " + String.join(", ", names.subList(0, Math.min(5, names.size())))
                        + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
    }

    private LlamaConfig architecture(int vocab) {
        if ("custom".equals(config.preset())) {
            RunConfig.Architecture a = config.architecture();
            return new LlamaConfig(a.hiddenSize(), a.intermediateSize(), a.numLayers(), a.numHeads(),
                    a.vocabSize() == null ? vocab : a.vocabSize(), config.sequenceLength());
        }
        return LlamaConfig.preset(config.preset(), vocab);
    }

    private double baseDecay() {
        return "none".equals(config.decay().policy()) ? 0.0 : config.weightDecay();
    }

    private static NDArray tokens(NDManager scope, int[][] rows) {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                flat[r * width + c] = rows[r][c];
            }
        }
        return scope.create(flat, new Shape(rows.length, width));
    }

    /** Mean token loss over the fixed held-out batches, without gradients. */
    private static double evaluate(LlamaModel model, NDManager manager, List<int[][]> validation) {
        double sum = 0;
        for (int[][] batch : validation) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray all = tokens(scope, batch);
                sum += model.loss(all.get(":, :-1"), all.get(":, 1:")).getFloat();
            }
        }
        return sum / validation.size();
    }

    /** Restores weights, moments, decays and the data position from the newest complete checkpoint, if any. */
    private TrainerState resume(LlamaModel model, ModuleWiseAdam optimizer, NDManager manager, Control control)
            throws IOException {
        var latest = checkpoints.latest(run.id());
        if (latest.isEmpty()) {
            return new TrainerState(0, 0, 0);
        }
        Path folder = latest.get();
        model.load(SafetensorsArrays.arrays(SafetensorsFile.open(folder.resolve(MODEL_FILE)), manager));
        var optimizerFile = SafetensorsFile.open(folder.resolve(OPTIMIZER_FILE));
        optimizer.restore(optimizerFile.metadata(), SafetensorsArrays.arrays(optimizerFile, manager));
        TrainerState state = JSON.readValue(Files.readString(folder.resolve(STATE_FILE)), TrainerState.class);
        control.event("note", "Resumed from the checkpoint at step " + state.step());
        return state;
    }

    private void checkpoint(LlamaModel model, ModuleWiseAdam optimizer, TrainerState state, Control control)
            throws IOException {
        long started = System.nanoTime();
        CheckpointStore.Committed committed = checkpoints.write(run.id(), state.step(), folder -> {
            try (OutputStream out = Files.newOutputStream(folder.resolve(MODEL_FILE))) {
                SafetensorsWriter.write(out, Map.of("step", Long.toString(state.step())), SafetensorsArrays.tensors(model.parameters()));
            }
            try (OutputStream out = Files.newOutputStream(folder.resolve(OPTIMIZER_FILE))) {
                SafetensorsWriter.write(out, optimizer.stateMetadata(), SafetensorsArrays.tensors(optimizer.stateTensors()));
            }
            Files.writeString(folder.resolve(STATE_FILE), JSON.writeValueAsString(state));
        });
        control.metric("checkpoint_seconds", state.step(), (System.nanoTime() - started) / 1e9);
        checkpoints.prune(run.id(), config.keepCheckpoints());
        try {
            controlApi.registerCheckpoint(run.id(), committed.step(), committed.uri(), committed.bytes(),
                    committed.sha256());
        }
        catch (ControlApiClient.Unavailable ex) {
            log.warn("Run {}: checkpoint at step {} written but not registered: {}", run.id(), state.step(),
                    ex.getMessage());
        }
    }

    /**
     * Sends a snapshot of the projection weights to the esd-service and, when it answers, the effective decays
     * (the control-api's assignment, with operators' overrides; the esd-service's own if the control-api is down).
     */
    private CompletableFuture<?> analyse(LlamaModel model, long step, AtomicReference<Map<String, Double>> arrived,
            Control control) {
        NDManager snapshotManager = NDManager.newBaseManager(device);
        List<NamedParameter> snapshot = new ArrayList<>();
        for (NamedParameter parameter : model.parameters()) {
            if (DecaySchedule.analysable(parameter.name())) {
                NDArray copy = parameter.array().duplicate();
                copy.attach(snapshotManager);
                snapshot.add(new NamedParameter(parameter.name(), copy));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("run_id", run.id().toString());
        metadata.put("step", Long.toString(step));
        metadata.put("estimator", config.decay().estimator());
        // A monitored uniform or none run is analysed under the uniform policy at its own decay, so the recorded
        // assignment is the one it trains with
        metadata.put("policy", "alphadecay".equals(config.decay().policy()) ? "alphadecay" : "uniform");
        metadata.put("wd0", Double.toString(baseDecay()));
        metadata.put("s1", Double.toString(config.decay().s1()));
        metadata.put("s2", Double.toString(config.decay().s2()));
        return CompletableFuture.runAsync(() -> {
            long started = System.nanoTime();
            try (snapshotManager) {
                EsdClient.Analysis result = esd.analyze(Map.of(),
                        out -> SafetensorsWriter.write(out, metadata, SafetensorsArrays.tensors(snapshot)));
                Map<String, Double> decays = new HashMap<>(result.weightDecays());
                try {
                    ControlApiClient.DecayAssignment effective = controlApi.decayAssignment(run.id());
                    if (effective.analysisId() != null || !effective.modules().isEmpty()) {
                        decays.putAll(effective.modules());
                    }
                }
                catch (ControlApiClient.Unavailable ex) {
                    log.warn("Run {}: using the esd-service's decays; the control-api is unreachable", run.id());
                }
                arrived.set(decays);
                control.metric("esd_round_trip_seconds", step, (System.nanoTime() - started) / 1e9);
            }
            catch (EsdClient.Failed | RuntimeException ex) {
                control.event("warning", "The analysis at step " + step + " failed; training goes on with the "
                        + "decays it has: " + ex.getMessage());
            }
        }, background);
    }

    /** A folder that HuggingFace tools load as it is: config.json, model.safetensors and tokenizer.json. */
    private void export(LlamaModel model, TrainingData data, LlamaConfig architecture) throws IOException {
        Path target = home.resolve("exports").resolve(run.id().toString());
        Path temp = Dirs.tempSibling(target);
        Map<String, Object> hf = new LinkedHashMap<>();
        hf.put("architectures", List.of("LlamaForCausalLM"));
        hf.put("model_type", "llama");
        hf.put("hidden_size", architecture.hiddenSize());
        hf.put("intermediate_size", architecture.intermediateSize());
        hf.put("num_hidden_layers", architecture.numLayers());
        hf.put("num_attention_heads", architecture.numHeads());
        hf.put("num_key_value_heads", architecture.numHeads());
        hf.put("vocab_size", architecture.vocabSize());
        hf.put("max_position_embeddings", config.sequenceLength());
        hf.put("rms_norm_eps", LlamaConfig.RMS_NORM_EPS);
        hf.put("rope_theta", LlamaConfig.ROPE_THETA);
        hf.put("hidden_act", "silu");
        hf.put("tie_word_embeddings", false);
        hf.put("attention_bias", false);
        hf.put("initializer_range", LlamaConfig.INIT_STD);
        hf.put("torch_dtype", "float32");
        hf.put("eos_token_id", data.endOfTextId());
        hf.put("bos_token_id", data.endOfTextId());
        Files.writeString(temp.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(hf));
        try (OutputStream out = Files.newOutputStream(temp.resolve("model.safetensors"))) {
            SafetensorsWriter.write(out, Map.of("format", "pt"), SafetensorsArrays.tensors(model.parameters()));
        }
        Files.copy(data.tokenizerFile(), temp.resolve("tokenizer.json"));
        Dirs.discard(target); // a re-run's export replaces the earlier one
        Dirs.publish(temp, target);
    }
}
