package io.alphadecay.trainer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.alphadecay.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Weights streamed through a pipe to a real esd-service, started from its jar. */
class EsdClientTest {

    private static ServiceProcess esd;

    @BeforeAll
    static void start() {
        esd = ServiceProcess.startEsd(URI.create("http://127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        esd.close();
    }

    @Test
    void streamsACheckpointAndReadsTheDecays() throws Exception {
        byte[] golden = Files.readAllBytes(Path.of("..", "..", "shared", "fixtures", "esd", "golden-small.safetensors"));
        EsdClient client = new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60));

        EsdClient.Analysis analysis = client.analyze(Map.of("report", "false"), out -> {
            // Written in small pieces, as a model is, tensor by tensor.
            for (int offset = 0; offset < golden.length; offset += 4096) {
                out.write(golden, offset, Math.min(4096, golden.length - offset));
            }
        });

        assertThat(analysis.modules()).isEqualTo(6);
        assertThat(analysis.weightDecays()).hasSize(5)
                .containsEntry("model.layers.1.self_attn.v_proj.weight", 0.5)
                .containsEntry("model.layers.1.self_attn.k_proj.weight", 0.06666);
        assertThat(analysis.reportStatus()).isEqualTo("skipped");
    }

    @Test
    void aRefusedOrUnreachableAnalysisFailsCleanly() {
        EsdClient client = new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60));
        assertThatThrownBy(() -> client.analyze(Map.of(), out -> out.write(new byte[] { 1, 2, 3 })))
                .isInstanceOf(EsdClient.Failed.class).hasMessageContaining("400");

        EsdClient down = new EsdClient(URI.create("http://127.0.0.1:9"), ServiceProcess.SERVICE_TOKEN,
                Duration.ofSeconds(5));
        assertThatThrownBy(() -> down.analyze(Map.of(), out -> out.write(new byte[8])))
                .isInstanceOf(EsdClient.Failed.class).hasMessageContaining("unreachable");
    }

    @Test
    void aBusyEsdServiceIsAskedAgainAfterItsRetryAfter() throws Exception {
        byte[] golden = Files.readAllBytes(Path.of("..", "..", "shared", "fixtures", "esd", "golden-small.safetensors"));
        // The esd-service takes two analyses at once (its default); two stalled uploads hold both slots.
        CountDownLatch release = new CountDownLatch(1);
        EsdClient holder = new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60), 1,
                Duration.ofSeconds(1));
        int held = golden.length - 1024; // the HTTP client sends nothing until it has a good part of the body
        EsdClient.BodyWriter stalled = out -> {
            out.write(golden, 0, held);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            out.write(golden, held, golden.length - held);
        };
        ExecutorService callers = Executors.newFixedThreadPool(3);
        CompletableFuture<EsdClient.Analysis> first = CompletableFuture.supplyAsync(() -> analyzeUnchecked(holder, stalled),
                callers);
        CompletableFuture<EsdClient.Analysis> second = CompletableFuture.supplyAsync(() -> analyzeUnchecked(holder, stalled),
                callers);
        Thread.sleep(1500); // both uploads admitted

        EsdClient impatient = new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60), 1,
                Duration.ofSeconds(1));
        assertThatThrownBy(() -> impatient.analyze(Map.of("report", "false"), out -> out.write(golden)))
                .isInstanceOf(EsdClient.Failed.class).hasMessageContaining("busy after 1 attempts");

        EsdClient patient = new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60), 20,
                Duration.ofSeconds(1));
        CompletableFuture<EsdClient.Analysis> queued = CompletableFuture.supplyAsync(
                () -> analyzeUnchecked(patient, out -> out.write(golden)), callers);
        Thread.sleep(2500); // refused at least twice meanwhile
        assertThat(queued).isNotDone();
        release.countDown();

        assertThat(queued.get(60, TimeUnit.SECONDS).modules()).isEqualTo(6);
        assertThat(first.get(60, TimeUnit.SECONDS).modules()).isEqualTo(6);
        assertThat(second.get(60, TimeUnit.SECONDS).modules()).isEqualTo(6);
        callers.shutdown();
    }

    private static EsdClient.Analysis analyzeUnchecked(EsdClient client, EsdClient.BodyWriter body) {
        try {
            return client.analyze(Map.of("report", "false"), body);
        }
        catch (EsdClient.Failed ex) {
            throw new IllegalStateException(ex);
        }
    }
}
