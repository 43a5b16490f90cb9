package io.alphadecay.trainer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
}
