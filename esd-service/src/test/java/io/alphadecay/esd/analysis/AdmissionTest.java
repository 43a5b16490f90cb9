package io.alphadecay.esd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.alphadecay.esd.support.EsdTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Beyond the configured number of concurrent analyses, callers get 429 with Retry-After, and nothing is lost. */
class AdmissionTest extends EsdTestBase {

    @Autowired
    MeterRegistry registry;

    @Test
    void aThirdConcurrentAnalysisIsTurnedAwayUntilASlotFrees() throws Exception {
        byte[] golden = golden();
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<Response>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            // Sends the first half, then waits: the analysis holds its slot while the body is incomplete.
            InputStream body = new SequenceInputStream(
                    new java.io.ByteArrayInputStream(golden, 0, golden.length / 2),
                    new GatedStream(release, golden, golden.length / 2));
            held.add(CompletableFuture.supplyAsync(() -> send(request("/api/v1/analyses?report=false", SERVICE_TOKEN)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> body), golden.length)))));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (registry.get("alphadecay.esd.analyses.in.flight").gauge().value() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(registry.get("alphadecay.esd.analyses.in.flight").gauge().value())
                .isEqualTo(2.0);

        Response refused = post("?report=false", golden);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.raw().headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.json().get("type").asString()).isEqualTo("urn:alphadecay:problem:too-many-requests");

        release.countDown();
        for (CompletableFuture<Response> request : held) {
            assertThat(request.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(post("?report=false", golden).status()).isEqualTo(200);
    }

    /** The rest of a body, held back until the test opens the gate. */
    private static final class GatedStream extends InputStream {

        private final CountDownLatch gate;
        private final byte[] data;
        private int position;

        GatedStream(CountDownLatch gate, byte[] data, int from) {
            this.gate = gate;
            this.data = data;
            this.position = from;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                gate.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException(ex);
            }
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(length, data.length - position);
            System.arraycopy(data, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}
