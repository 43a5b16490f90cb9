package io.alphadecay.trainer.training;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ai.djl.ndarray.NDManager;
import io.alphadecay.api.checkpoint.NewCheckpoint;
import io.alphadecay.safetensors.SafetensorsFile;
import io.alphadecay.safetensors.SafetensorsWriter;
import io.alphadecay.trainer.checkpoint.CheckpointStore;
import io.alphadecay.trainer.model.LlamaModel;
import io.alphadecay.trainer.model.SafetensorsArrays;
import io.alphadecay.trainer.optim.ModuleWiseAdam;
import tools.jackson.databind.json.JsonMapper;

/**
 * One run's checkpoints: weights, optimizer moments and decays, and the data position, committed atomically by the
 * store, registered with the control-api, and read back to resume.
 */
final class TrainingCheckpoints {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MODEL_FILE = "model.safetensors";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final String STATE_FILE = "trainer-state.json";

    private final UUID run;
    private final CheckpointStore store;
    private final int keep;
    private final TrainingJob.Control control;

    TrainingCheckpoints(UUID run, CheckpointStore store, int keep, TrainingJob.Control control) {
        this.run = run;
        this.store = store;
        this.keep = keep;
        this.control = control;
    }

    /** Where training stands: what a resumed run needs besides weights and moments. */
    record TrainerState(long step, long tokensSeen, long batchIndex) {

        static final TrainerState START = new TrainerState(0, 0, 0);
    }

    /** Restores weights, moments, decays and the data position from the newest complete checkpoint, if any. */
    TrainerState resume(LlamaModel model, ModuleWiseAdam optimizer, NDManager manager) throws IOException {
        Optional<Path> latest = store.latest(run);
        if (latest.isEmpty()) {
            return TrainerState.START;
        }
        Path folder = latest.get();
        model.load(SafetensorsArrays.arrays(SafetensorsFile.open(folder.resolve(MODEL_FILE)), manager));
        SafetensorsFile moments = SafetensorsFile.open(folder.resolve(OPTIMIZER_FILE));
        optimizer.restore(moments.metadata(), SafetensorsArrays.arrays(moments, manager));
        TrainerState state = JSON.readValue(Files.readString(folder.resolve(STATE_FILE)), TrainerState.class);
        control.event("note", "Resumed from the checkpoint at step " + state.step());
        return state;
    }

    /** Writes and commits a checkpoint, drops the oldest beyond {@code keep}, and registers it. */
    void save(LlamaModel model, ModuleWiseAdam optimizer, TrainerState state) throws IOException {
        long started = System.nanoTime();
        CheckpointStore.Committed committed = store.write(run, state.step(), folder -> {
            try (OutputStream out = Files.newOutputStream(folder.resolve(MODEL_FILE))) {
                SafetensorsWriter.write(
                        out,
                        Map.of("step", Long.toString(state.step())),
                        SafetensorsArrays.tensors(model.parameters()));
            }
            try (OutputStream out = Files.newOutputStream(folder.resolve(OPTIMIZER_FILE))) {
                SafetensorsWriter.write(
                        out, optimizer.stateMetadata(), SafetensorsArrays.tensors(optimizer.stateTensors()));
            }
            Files.writeString(folder.resolve(STATE_FILE), JSON.writeValueAsString(state));
        });
        control.metric("checkpoint_seconds", state.step(), (System.nanoTime() - started) / 1e9);
        store.prune(run, keep);
        control.checkpointCommitted(
                new NewCheckpoint(committed.step(), committed.uri().toString(), committed.bytes(), committed.sha256()));
    }
}
