package io.alphadecay.control.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.alphadecay.api.metric.MetricPoint;
import org.junit.jupiter.api.Test;

class MetricReadCacheTest {

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger written = new AtomicInteger();
    private final MetricReadCache cache = new MetricReadCache(Duration.ofSeconds(2), 1000, nanos::get, points -> {
        written.incrementAndGet();
        return ("answer " + points.get(0).value()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    });
    private final AtomicInteger reads = new AtomicInteger();
    private final UUID run = UUID.randomUUID();
    private final MetricReadCache.Key key = new MetricReadCache.Key(run, "train_loss", 0, Long.MAX_VALUE, 100);

    @Test
    void servesARepeatedReadFromMemoryUntilTheTtl() {
        assertThat(cache.get(key, this::read).points())
                .extracting(MetricPoint::value)
                .containsExactly(1.0);
        assertThat(cache.get(key, this::read).points())
                .extracting(MetricPoint::value)
                .containsExactly(1.0);
        assertThat(reads).hasValue(1);

        nanos.addAndGet(Duration.ofMillis(2001).toNanos());
        assertThat(cache.get(key, this::read).points())
                .extracting(MetricPoint::value)
                .containsExactly(2.0);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aWriteOfTheRunDropsItsEntriesButNotOthers() {
        MetricReadCache.Key other = new MetricReadCache.Key(UUID.randomUUID(), "train_loss", 0, Long.MAX_VALUE, 100);
        cache.get(key, this::read);
        cache.get(other, this::read);

        cache.written(run);

        assertThat(cache.get(key, this::read).points())
                .extracting(MetricPoint::value)
                .containsExactly(3.0);
        assertThat(cache.get(other, this::read).points())
                .extracting(MetricPoint::value)
                .containsExactly(2.0);
        assertThat(reads).hasValue(3);
    }

    @Test
    void aReadThatOverlapsAWriteIsNotServedAgain() {
        // The write commits while the read is under way: the read may or may not have seen it.
        cache.get(key, () -> {
            cache.written(run);
            return read();
        });
        assertThat(cache.get(key, this::read).points())
                .extracting(MetricPoint::value)
                .containsExactly(2.0);
        assertThat(cache.get(key, this::read).points())
                .extracting(MetricPoint::value)
                .containsExactly(2.0);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aWriteLongAgoNoLongerMatters() {
        cache.written(run);
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        cache.get(key, this::read);
        assertThat(cache.get(key, this::read).points())
                .extracting(MetricPoint::value)
                .containsExactly(1.0);
        assertThat(reads).hasValue(1);
    }

    @Test
    void concurrentMissesOfOneKeyWaitForASingleRead() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            Future<List<MetricPoint>> first = clients.submit(() -> cache.get(key, () -> {
                        reading.countDown();
                        await(release);
                        return read();
                    })
                    .points());
            reading.await(10, TimeUnit.SECONDS);
            List<Future<List<MetricPoint>>> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                others.add(clients.submit(() -> cache.get(key, this::read).points()));
            }
            Thread.sleep(100); // the others are now waiting for the first read, not reading themselves
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS))
                    .extracting(MetricPoint::value)
                    .containsExactly(1.0);
            for (Future<List<MetricPoint>> other : others) {
                assertThat(other.get(10, TimeUnit.SECONDS))
                        .extracting(MetricPoint::value)
                        .containsExactly(1.0);
            }
            assertThat(reads).hasValue(1);
        } finally {
            clients.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void writesTheAnswerOncePerEntry() {
        byte[] first = cache.get(key, this::read).answer();
        assertThat(cache.get(key, this::read).answer())
                .isSameAs(first)
                .asString()
                .isEqualTo("answer 1.0");
        assertThat(written).hasValue(1);

        cache.written(run);
        assertThat(cache.get(key, this::read).answer()).asString().isEqualTo("answer 2.0");
        assertThat(written).hasValue(2);
    }

    @Test
    void aZeroTtlCachesNothing() {
        MetricReadCache off = new MetricReadCache(Duration.ZERO, 1000, nanos::get, points -> new byte[0]);
        off.get(key, this::read);
        off.get(key, this::read);
        assertThat(reads).hasValue(2);
    }

    private List<MetricPoint> read() {
        return List.of(new MetricPoint("train_loss", 1L, (double) reads.incrementAndGet(), null));
    }
}
