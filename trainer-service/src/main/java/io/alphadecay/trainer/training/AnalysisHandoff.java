package io.alphadecay.trainer.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.alphadecay.api.analysis.DecayPolicy;
import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.EsdClient;
import io.alphadecay.api.model.LlamaModules;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.safetensors.SafetensorsWriter;
import io.alphadecay.trainer.model.LlamaModel;
import io.alphadecay.trainer.model.NamedParameter;
import io.alphadecay.trainer.model.SafetensorsArrays;
import io.alphadecay.trainer.optim.ModuleWiseAdam;

/**
 * Hands the projection weights to the esd-service at the scheduled steps and brings the decays back. The snapshot
 * is copied on the training thread; the upload and the answer happen in the background, and the decays take effect
 * at the first step boundary after they arrive (before the next step, with {@code sync}). The decays applied are
 * the control-api's assignment, with operators' overrides; the esd-service's own if the control-api cannot say.
 */
final class AnalysisHandoff {

    private final UUID run;
    private final RunConfig config;
    private final Device device;
    private final EsdClient esd;
    private final ExecutorService background;
    private final TrainingJob.Control control;
    private final DecaySchedule schedule;
    private final AtomicReference<Map<String, Double>> arrived = new AtomicReference<>();
    private CompletableFuture<?> pending = CompletableFuture.completedFuture(null);

    AnalysisHandoff(
            UUID run,
            RunConfig config,
            Device device,
            EsdClient esd,
            ExecutorService background,
            TrainingJob.Control control,
            DecaySchedule schedule) {
        this.run = run;
        this.config = config;
        this.device = device;
        this.esd = esd;
        this.background = background;
        this.control = control;
        this.schedule = schedule;
    }

    /** Sends the weights off if {@code step} is an analysis step; waits for the answer with {@code sync}. */
    void offer(long step, LlamaModel model) {
        if (!schedule.analysedAt(step)) {
            return;
        }
        pending = start(step, model);
        if (config.decay().sync()) {
            pending.join();
        }
    }

    /** Sets the decays that arrived since the last call, if any; a monitored run keeps its own. */
    void applyArrived(ModuleWiseAdam optimizer) {
        Map<String, Double> fresh = arrived.getAndSet(null);
        if (fresh != null && schedule.appliesDecays()) {
            optimizer.setDecays(schedule.assignment(fresh));
        }
    }

    /** Waits for the last analysis, so its record is complete before the run ends. */
    void finish() {
        pending.join();
    }

    private CompletableFuture<?> start(long step, LlamaModel model) {
        NDManager snapshotManager = NDManager.newBaseManager(device);
        List<NamedParameter> snapshot = new ArrayList<>();
        for (NamedParameter parameter : model.parameters()) {
            if (LlamaModules.analysed(parameter.name())) {
                NDArray copy = parameter.array().duplicate();
                copy.attach(snapshotManager);
                snapshot.add(new NamedParameter(parameter.name(), copy));
            }
        }
        Map<String, String> metadata = metadata(step);
        return CompletableFuture.runAsync(
                () -> {
                    long started = System.nanoTime();
                    try (snapshotManager) {
                        var result = esd.analyze(
                                Map.of(),
                                out -> SafetensorsWriter.write(out, metadata, SafetensorsArrays.tensors(snapshot)));
                        Map<String, Double> decays = new HashMap<>(result.weightDecays());
                        control.decayAssignment()
                                .filter(effective -> effective.analysisId() != null
                                        || !effective.modules().isEmpty())
                                .ifPresent(effective -> effective
                                        .modules()
                                        .forEach(entry -> decays.put(entry.name(), entry.weightDecay())));
                        arrived.set(decays);
                        control.metric("esd_round_trip_seconds", step, (System.nanoTime() - started) / 1e9);
                    } catch (ApiCallException | RuntimeException ex) {
                        control.event(
                                "warning",
                                "The analysis at step " + step + " failed; training goes on with the "
                                        + "decays it has: " + ex.getMessage());
                    }
                },
                background);
    }

    private Map<String, String> metadata(long step) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("run_id", run.toString());
        metadata.put("step", Long.toString(step));
        metadata.put("estimator", config.decay().estimator());
        // A monitored uniform or none run is analysed under the uniform policy at its own decay, so the recorded
        // assignment is the one it trains with
        metadata.put(
                "policy",
                schedule.appliesDecays() ? DecayPolicy.ALPHADECAY.wireName() : DecayPolicy.UNIFORM.wireName());
        metadata.put("wd0", Double.toString(config.effectiveWeightDecay()));
        metadata.put("s1", Double.toString(config.decay().s1()));
        metadata.put("s2", Double.toString(config.decay().s2()));
        return metadata;
    }
}
