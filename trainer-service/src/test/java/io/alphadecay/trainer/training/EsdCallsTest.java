package io.alphadecay.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.alphadecay.api.analysis.AnalysisResult;
import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.EsdClient;
import io.alphadecay.api.client.Refused;
import io.alphadecay.api.client.RetryPolicy;
import io.alphadecay.api.client.Unavailable;
import io.alphadecay.testing.Fixtures;
import io.alphadecay.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Weights streamed through the api module's client to a real esd-service, started from its jar. */
class EsdCallsTest {

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
        byte[] golden = Files.readAllBytes(Fixtures.golden("golden-small.safetensors"));
        EsdClient client =
                new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60), RetryPolicy.NONE);

        AnalysisResult analysis = client.analyze(Map.of("report", "false"), out -> {
            // Written in small pieces, as a model is, tensor by tensor.
            for (int offset = 0; offset < golden.length; offset += 4096) {
                out.write(golden, offset, Math.min(4096, golden.length - offset));
            }
        });

        assertThat(analysis.modules()).hasSize(6);
        assertThat(analysis.weightDecays())
                .hasSize(5)
                .containsEntry("model.layers.1.self_attn.v_proj.weight", 0.5)
                .containsEntry("model.layers.1.self_attn.k_proj.weight", 0.06666);
        assertThat(analysis.report().status()).isEqualTo("skipped");
    }

    @Test
    void aRefusedOrUnreachableAnalysisFailsCleanly() {
        EsdClient client = new EsdClient(
                esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60), EsdClient.defaultRetry());
        // A malformed checkpoint is refused at once, not sent again
        assertThatThrownBy(() -> client.analyze(Map.of(), out -> out.write(new byte[] {1, 2, 3})))
                .isInstanceOfSatisfying(
                        Refused.class, ex -> assertThat(ex.status()).isEqualTo(400));

        EsdClient down = new EsdClient(
                URI.create("http://127.0.0.1:9"),
                ServiceProcess.SERVICE_TOKEN,
                Duration.ofSeconds(5),
                RetryPolicy.attempts(2, Duration.ofMillis(10)));
        assertThatThrownBy(() -> down.analyze(Map.of(), out -> out.write(new byte[8])))
                .isInstanceOf(Unavailable.class)
                .hasMessageContaining("unreachable")
                .hasMessageContaining("gave up after 2 attempts");
    }

    @Test
    void aBusyEsdServiceIsAskedAgainAfterItsRetryAfter() throws Exception {
        byte[] golden = Files.readAllBytes(Fixtures.golden("golden-small.safetensors"));
        // The esd-service takes two analyses at once (its default); two stalled uploads hold both slots.
        CountDownLatch release = new CountDownLatch(1);
        EsdClient holder =
                new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60), RetryPolicy.NONE);
        int held = golden.length - 1024; // the HTTP client sends nothing until it has a good part of the body
        EsdClient.BodyWriter stalled = out -> {
            out.write(golden, 0, held);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            out.write(golden, held, golden.length - held);
        };
        ExecutorService callers = Executors.newFixedThreadPool(3);
        CompletableFuture<AnalysisResult> first =
                CompletableFuture.supplyAsync(() -> analyzeUnchecked(holder, stalled), callers);
        CompletableFuture<AnalysisResult> second =
                CompletableFuture.supplyAsync(() -> analyzeUnchecked(holder, stalled), callers);
        Thread.sleep(1500); // both uploads admitted

        EsdClient impatient =
                new EsdClient(esd.url(), ServiceProcess.SERVICE_TOKEN, Duration.ofSeconds(60), RetryPolicy.NONE);
        assertThatThrownBy(() -> impatient.analyze(Map.of("report", "false"), out -> out.write(golden)))
                .isInstanceOf(Unavailable.class)
                .hasMessageContaining("answered 429")
                .satisfies(ex -> assertThat(((Unavailable) ex).retryAfter()).isPresent());

        EsdClient patient = new EsdClient(
                esd.url(),
                ServiceProcess.SERVICE_TOKEN,
                Duration.ofSeconds(60),
                RetryPolicy.attempts(20, Duration.ofSeconds(1)));
        CompletableFuture<AnalysisResult> queued =
                CompletableFuture.supplyAsync(() -> analyzeUnchecked(patient, out -> out.write(golden)), callers);
        Thread.sleep(2500); // refused at least twice meanwhile
        assertThat(queued).isNotDone();
        release.countDown();

        assertThat(queued.get(60, TimeUnit.SECONDS).modules()).hasSize(6);
        assertThat(first.get(60, TimeUnit.SECONDS).modules()).hasSize(6);
        assertThat(second.get(60, TimeUnit.SECONDS).modules()).hasSize(6);
        callers.shutdown();
    }

    private static AnalysisResult analyzeUnchecked(EsdClient client, EsdClient.BodyWriter body) {
        try {
            return client.analyze(Map.of("report", "false"), body);
        } catch (ApiCallException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
