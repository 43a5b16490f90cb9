package io.alphadecay.esd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.alphadecay.api.analysis.AnalysisResult;
import io.alphadecay.api.model.LlamaModules;
import io.alphadecay.esd.config.EsdProperties;
import io.alphadecay.esd.spectrum.SpectralStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A checkpoint of 48 large matrices, generated lazily as it is read, flows through the analyzer with at most
 * workers + 1 decoded matrices alive at once, whatever its size.
 */
class StreamingBoundsTest {

    private static final int WORKERS = 2;
    private static final int MATRICES = 48;
    private static final int SIDE = 256;

    private final ExecutorService pool = Executors.newFixedThreadPool(WORKERS);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void holdsAtMostWorkersPlusOneMatricesWhileStreaming() throws Exception {
        AtomicInteger alive = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger analysed = new AtomicInteger();
        // Decoding happens on the reading thread; a matrix is alive from its decode until its analysis returns.
        CheckpointAnalyzer.ModuleSpectra slow = (values, rows, cols, estimator) -> {
            try {
                Thread.sleep(15);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            analysed.incrementAndGet();
            alive.decrementAndGet();
            return new SpectralStats(
                    Math.min(rows, cols),
                    2.0 + analysed.get() * 0.01,
                    1.0,
                    0.1,
                    2.0,
                    3.0,
                    Math.log10(2.0),
                    (2.0 + analysed.get() * 0.01) * Math.log10(2.0));
        };
        EsdProperties.Analysis settings = new EsdProperties.Analysis(
                WORKERS,
                1,
                java.time.Duration.ofSeconds(1),
                Long.MAX_VALUE,
                1 << 20,
                50,
                LlamaModules.PROJECTIONS,
                LlamaModules.EXCLUDED);
        CheckpointAnalyzer analyzer = new CheckpointAnalyzer(pool, settings, slow);

        InputStream body = lazyCheckpoint(alive, peak);
        AnalysisResult result = analyzer.analyze(
                body,
                new AnalysisParameters.Overrides(null, null, null, null, null, null, null),
                ModuleSelector.of(settings.include(), settings.exclude(), "test"));

        assertThat(result.modules()).hasSize(MATRICES);
        assertThat(analysed.get()).isEqualTo(MATRICES);
        assertThat(peak.get()).isBetween(2, WORKERS + 1);
        assertThat(result.bytesReceived()).isGreaterThan((long) MATRICES * SIDE * SIDE * 4);
    }

    /** The header, then each matrix's bytes produced only when the reader reaches them. */
    private static InputStream lazyCheckpoint(AtomicInteger alive, AtomicInteger peak) {
        Map<String, Object> header = new LinkedHashMap<>();
        long bytes = (long) SIDE * SIDE * 4;
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < MATRICES; i++) {
            String name = "model.layers." + (1 + i / 4) + ".self_attn." + "qkvo".charAt(i % 4) + "_proj.weight";
            header.put(
                    name,
                    Map.of(
                            "dtype",
                            "F32",
                            "shape",
                            List.of(SIDE, SIDE),
                            "data_offsets",
                            List.of(i * bytes, (i + 1) * bytes)));
            parts.add(new LazyMatrix((int) bytes, () -> peak.accumulateAndGet(alive.incrementAndGet(), Math::max)));
        }
        byte[] json = JsonMapper.builder().build().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        byte[] prefix = ByteBuffer.allocate(8 + json.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length)
                .put(json)
                .array();
        parts.add(0, new ByteArrayInputStream(prefix));
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    /** Ones as F32, made on demand; marks the matrix alive when its first byte is read. */
    private static final class LazyMatrix extends InputStream {

        private final int length;
        private final Runnable onFirstRead;
        private int position;

        LazyMatrix(int length, Runnable onFirstRead) {
            this.length = length;
            this.onFirstRead = onFirstRead;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            if (position == 0) {
                onFirstRead.run();
            }
            int n = Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                int inFloat = (position + i) % 4;
                buffer[offset + i] = (byte) (inFloat == 2 ? 0x80 : inFloat == 3 ? 0x3f : 0);
            }
            position += n;
            return n;
        }
    }
}
