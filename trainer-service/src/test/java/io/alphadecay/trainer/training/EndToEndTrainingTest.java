package io.alphadecay.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import ai.djl.Device;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.client.EsdClient;
import io.alphadecay.testing.ServiceProcess;
import io.alphadecay.trainer.checkpoint.CheckpointStore;
import io.alphadecay.trainer.worker.RunExecutor;
import io.alphadecay.trainer.worker.TrainerMeters;
import io.alphadecay.trainer.worker.WorkerLoop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run end to end on the tiny preset: a real control-api and a real esd-service, each from its jar, and the
 * trainer's worker claiming, training with AlphaDecay, analysing, checkpointing and reporting over HTTP.
 */
class EndToEndTrainingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ServiceProcess controlApi;
    private static ServiceProcess esd;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        controlApi = ServiceProcess.start();
        esd = ServiceProcess.startEsd(controlApi.url());
    }

    @AfterAll
    static void stop() {
        esd.close();
        controlApi.close();
    }

    @Test
    void anAlphaDecayRunTrainsAnalysesAndSucceeds() throws Exception {
        Path corpus = SyntheticCorpus.create(home, 30, 60, 512);
        String body = "{\"name\": \"e2e-alphadecay\", \"preset\": \"tiny\", \"steps\": 12, \"batchSize\": 4,"
                + " \"sequenceLength\": 32, \"warmupSteps\": 2, \"learningRate\": 0.003, \"evalInterval\": 6,"
                + " \"evalBatches\": 2, \"checkpointInterval\": 6, \"device\": \"cpu\","
                + " \"decay\": {\"policy\": \"alphadecay\", \"interval\": 5, \"sync\": true},"
                + " \"dataset\": " + JSON.writeValueAsString(corpus.toString()) + ", \"tokenizer\": \"default-512\"}";
        var created = controlApi.asOperator("POST", "/api/v1/runs", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asString();

        ControlApiClient client = ControlApiClient.builder(controlApi.url(), ServiceProcess.SERVICE_TOKEN)
                .build();
        EsdClient esdClient =
                new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofMinutes(2), EsdClient.defaultRetry());
        CheckpointStore checkpoints = new CheckpointStore(home.resolve("checkpoints"));
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (WorkerLoop loop = new WorkerLoop(
                client,
                new RunExecutor(client, 200, 200, 10_000, new TrainerMeters(new SimpleMeterRegistry())),
                run -> new DjlTrainingJob(run, home, Device.cpu(), checkpoints, esdClient, background),
                "e2e-worker",
                Map.of("device", "cpu"),
                100)) {
            loop.start(1);
            long deadline = System.currentTimeMillis() + 240_000;
            while (System.currentTimeMillis() < deadline
                    && !Set.of("SUCCEEDED", "FAILED", "CANCELLED")
                            .contains(get("/api/v1/runs/" + id).get("state").asString())) {
                Thread.sleep(250);
            }
        } finally {
            background.shutdownNow();
        }

        JsonNode run = get("/api/v1/runs/" + id);
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.at("/progress/step").asLong()).isEqualTo(12);
        assertThat(run.at("/progress/tokensSeen").asLong()).isEqualTo(12 * 4 * 32);
        assertThat(get("/api/v1/runs/" + id + "/metrics?name=train_loss").get("points"))
                .hasSize(12);
        assertThat(get("/api/v1/runs/" + id + "/metrics?name=val_perplexity").get("points"))
                .extracting(p -> p.get("step").asLong())
                .containsExactly(6L, 12L);
        JsonNode analyses = get("/api/v1/runs/" + id + "/analyses").get("analyses");
        assertThat(analyses).extracting(a -> a.get("step").asLong()).containsExactly(0L, 5L, 10L);
        assertThat(analyses.get(0).at("/summary/ok").asInt())
                .isEqualTo(13); // 2 blocks × 7 projections, less one q_proj
        JsonNode assignment = get("/api/v1/runs/" + id + "/decay-assignment");
        assertThat(assignment.get("step").asLong()).isEqualTo(10);
        assertThat(assignment.get("modules")).hasSize(13);
        assertThat(get("/api/v1/runs/" + id + "/checkpoints").get("checkpoints"))
                .extracting(c -> c.get("step").asLong())
                .containsExactly(6L, 12L);
        assertThat(home.resolve("exports").resolve(id).resolve("model.safetensors"))
                .exists();
        assertThat(Files.list(home.resolve("checkpoints").resolve(id)).count()).isEqualTo(2);
    }

    private static JsonNode get(String path) {
        return JSON.readTree(controlApi.asOperator("GET", path, null).body());
    }
}
