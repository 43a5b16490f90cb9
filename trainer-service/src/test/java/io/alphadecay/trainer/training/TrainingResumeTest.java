package io.alphadecay.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import ai.djl.Device;
import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.checkpoint.NewCheckpoint;
import io.alphadecay.api.client.EsdClient;
import io.alphadecay.api.client.RetryPolicy;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunConfig;
import io.alphadecay.api.run.RunState;
import io.alphadecay.trainer.checkpoint.CheckpointStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training job on its own, with a recording control and no esd-service: a run stopped and resumed
 * from its checkpoint continues the same loss curve as one that never stopped, and the finished run is exported.
 */
class TrainingResumeTest {

    @TempDir
    Path home;

    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final EsdClient noEsd = new EsdClient(
            java.net.URI.create("http://127.0.0.1:9"), "x".repeat(20), Duration.ofSeconds(5), RetryPolicy.NONE);

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    @Test
    void aResumedRunContinuesTheSameLossCurve() throws Exception {
        Path corpus = SyntheticCorpus.create(home, 30, 60, 512);
        RunConfig config = new RunConfig(
                        "resume",
                        "tiny",
                        null,
                        8,
                        4,
                        1,
                        32,
                        3L,
                        "adamw",
                        3e-3,
                        2,
                        "cosine",
                        0.1,
                        0.1,
                        1.0,
                        new RunConfig.DecayConfig("uniform", 500, 0.6666, 5.0, "median-hill", false, false),
                        4,
                        2,
                        4,
                        3,
                        corpus.toString(),
                        "default-512",
                        "cpu")
                .withDefaults("resume");

        RecordingControl straight = new RecordingControl(Long.MAX_VALUE);
        assertThat(job(UUID.randomUUID(), config).run(straight)).isEqualTo(TrainingJob.Outcome.COMPLETED);

        UUID interrupted = UUID.randomUUID();
        RecordingControl first = new RecordingControl(5);
        assertThat(job(interrupted, config).run(first)).isEqualTo(TrainingJob.Outcome.STOPPED);
        RecordingControl second = new RecordingControl(Long.MAX_VALUE);
        assertThat(job(interrupted, config).run(second)).isEqualTo(TrainingJob.Outcome.COMPLETED);

        Map<Long, Double> expected = straight.series("train_loss");
        assertThat(expected).hasSize(8);
        assertThat(second.series("train_loss").keySet()).containsExactly(6L, 7L, 8L);
        second.series("train_loss")
                .forEach((step, loss) -> assertThat(loss)
                        .as("step %d", step)
                        .isCloseTo(expected.get(step), org.assertj.core.data.Offset.offset(1e-4)));
        assertThat(second.events).anyMatch(e -> e.contains("Resumed from the checkpoint at step 5"));
        // every checkpoint written is registered through the control, the one stopped at included
        assertThat(first.checkpoints).extracting(NewCheckpoint::step).containsExactly(4L, 5L);
        assertThat(second.checkpoints).extracting(NewCheckpoint::step).containsExactly(8L);
        assertThat(second.checkpoints.get(0).sha256()).matches("[0-9a-f]{64}");
        assertThat(straight.series("val_perplexity")).containsKeys(4L, 8L);
        assertThat(expected.get(8L)).isLessThan(expected.get(1L));

        Path export = home.resolve("exports").resolve(interrupted.toString());
        assertThat(export.resolve("config.json")).exists();
        assertThat(Files.readString(export.resolve("config.json")))
                .contains("\"model_type\" : \"llama\"", "\"hidden_size\" : 64");
        assertThat(export.resolve("model.safetensors")).exists();
        assertThat(export.resolve("tokenizer.json")).exists();
    }

    @Test
    void twoSlotsOfOneProcessTrainAtTheSameTime() throws Exception {
        Path corpus = SyntheticCorpus.create(home, 30, 60, 512);
        RunConfig config = new RunConfig(
                        "slots",
                        "tiny",
                        null,
                        6,
                        4,
                        1,
                        32,
                        3L,
                        "adamw",
                        3e-3,
                        1,
                        "cosine",
                        0.1,
                        0.1,
                        1.0,
                        new RunConfig.DecayConfig("uniform", 500, 0.6666, 5.0, "median-hill", false, false),
                        6,
                        1,
                        6,
                        1,
                        corpus.toString(),
                        "default-512",
                        "cpu")
                .withDefaults("slots");
        ExecutorService slots = Executors.newFixedThreadPool(2);
        try {
            var first = slots.submit(() -> job(UUID.randomUUID(), config).run(new RecordingControl(Long.MAX_VALUE)));
            var second = slots.submit(() -> job(UUID.randomUUID(), config).run(new RecordingControl(Long.MAX_VALUE)));
            assertThat(first.get()).isEqualTo(TrainingJob.Outcome.COMPLETED);
            assertThat(second.get()).isEqualTo(TrainingJob.Outcome.COMPLETED);
        } finally {
            slots.shutdownNow();
        }
    }

    @Test
    void aDivergedRunSkipsItsNonFiniteStepsThenFailsSayingWhy() throws Exception {
        Path corpus = SyntheticCorpus.create(home, 30, 60, 512);
        // A learning rate far beyond what the API accepts, without clipping: the weights overflow after one step.
        RunConfig config = new RunConfig(
                        "diverge",
                        "tiny",
                        null,
                        20,
                        4,
                        1,
                        32,
                        3L,
                        "adamw",
                        1e30,
                        0,
                        "constant",
                        0.1,
                        1.0,
                        0.0,
                        new RunConfig.DecayConfig("uniform", 500, 0.6666, 5.0, "median-hill", false, false),
                        20,
                        1,
                        20,
                        1,
                        corpus.toString(),
                        "default-512",
                        "cpu")
                .withDefaults("diverge");
        RecordingControl control = new RecordingControl(Long.MAX_VALUE);

        assertThatThrownBy(() -> job(UUID.randomUUID(), config).run(control))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining(TrainingStep.MAX_NON_FINITE_STEPS_IN_A_ROW + " steps in a row")
                .hasMessageContaining("diverged");
        int skipped = TrainingStep.MAX_NON_FINITE_STEPS_IN_A_ROW - 1;
        assertThat(control.events)
                .filteredOn(e -> e.contains("skipped"))
                .hasSize(skipped)
                .allSatisfy(e -> assertThat(e).contains("unchanged"));
        // Only finite values are reported: the first step trained, the skipped ones count in skipped_steps.
        assertThat(control.series("train_loss").values())
                .allSatisfy(loss -> assertThat(loss).isFinite());
        assertThat(control.series("train_loss")).containsKey(1L);
        assertThat(control.series("skipped_steps").values())
                .containsExactly(java.util.stream.LongStream.rangeClosed(1, skipped)
                        .mapToObj(n -> (double) n)
                        .toArray(Double[]::new));
    }

    private DjlTrainingJob job(UUID id, RunConfig config) {
        return new DjlTrainingJob(
                running(id, config),
                home,
                Device.cpu(),
                new CheckpointStore(home.resolve("checkpoints")),
                noEsd,
                background);
    }

    /** A run as a worker holds it after claiming. */
    static Run running(UUID id, RunConfig config) {
        return new Run(
                id,
                config.name(),
                RunState.RUNNING,
                config,
                Map.of(),
                new Run.Progress(0, config.steps(), 0, null, 0),
                1,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** Records what a job reports and asks it to stop once it has reached {@code stopAfter} steps. */
    static final class RecordingControl implements TrainingJob.Control {

        private final long stopAfter;
        private final Map<String, Map<Long, Double>> metrics = new java.util.HashMap<>();
        final java.util.List<String> events = new java.util.ArrayList<>();
        final java.util.List<NewCheckpoint> checkpoints = new java.util.ArrayList<>();
        private long step;

        RecordingControl(long stopAfter) {
            this.stopAfter = stopAfter;
        }

        Map<Long, Double> series(String name) {
            return metrics.getOrDefault(name, new TreeMap<>());
        }

        @Override
        public boolean stopRequested() {
            return step >= stopAfter;
        }

        @Override
        public void progress(long newStep, long tokensSeen, double etaSeconds) {
            step = newStep;
        }

        @Override
        public void metric(String name, long metricStep, double value) {
            metrics.computeIfAbsent(name, k -> new TreeMap<>()).put(metricStep, value);
        }

        @Override
        public void event(String type, String message) {
            events.add(message);
        }

        @Override
        public void checkpointCommitted(NewCheckpoint checkpoint) {
            checkpoints.add(checkpoint);
        }

        @Override
        public Optional<DecayAssignment> decayAssignment() {
            return Optional.empty();
        }
    }
}
