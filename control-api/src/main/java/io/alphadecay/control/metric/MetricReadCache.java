package io.alphadecay.control.metric;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.alphadecay.api.metric.MetricPoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * Thinned series recently read. Dashboards poll the same few series every few seconds, and a finished run's
 * series never change, so most reads are answered without PostgreSQL.
 *
 * <p>Freshness: every committed write of a run's points takes a number from one counter; an entry is served only
 * if no write of its run was numbered after the read that filled it began. Writes through other instances are not
 * seen here, so entries also expire after a short TTL, which bounds their staleness.
 */
final class MetricReadCache {

    record Key(UUID run, String name, long fromStep, long toStep, int maxPoints) {}

    /**
     * A cached read: its points, and the answer written from them once for all the requests it serves (writing
     * 1,000 points as JSON costs more than everything else in a cached read).
     */
    static final class Entry {

        private final long readStartedAfter;
        private final List<MetricPoint> points;
        private final Function<List<MetricPoint>, byte[]> writer;
        private volatile byte[] answer;

        private Entry(long readStartedAfter, List<MetricPoint> points, Function<List<MetricPoint>, byte[]> writer) {
            this.readStartedAfter = readStartedAfter;
            this.points = points;
            this.writer = writer;
        }

        List<MetricPoint> points() {
            return points;
        }

        /** The cache's answer for the points, written once; two threads may both write it at first, alike. */
        byte[] answer() {
            byte[] bytes = answer;
            if (bytes == null) {
                bytes = writer.apply(points);
                answer = bytes;
            }
            return bytes;
        }
    }

    private final Function<List<MetricPoint>, byte[]> writer;
    private final AtomicLong writes = new AtomicLong();
    private final Cache<Key, Entry> entries;
    /** Last write number per run; kept for twice the TTL, after which any entry older than that write is gone too. */
    private final Cache<UUID, Long> lastWrite;

    /** {@code writer} makes the answer served for a cached read's points (see {@link Entry#answer()}). */
    MetricReadCache(Duration ttl, long maxPoints, Ticker ticker, Function<List<MetricPoint>, byte[]> writer) {
        this.writer = writer;
        this.entries = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(ttl)
                .maximumWeight(maxPoints)
                .weigher((Key key, Entry entry) -> Math.max(1, entry.points.size()))
                .recordStats()
                .build();
        this.lastWrite = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(ttl.multipliedBy(2))
                .build();
    }

    /**
     * The cached points for the key, or those of {@code read}, which are then cached. Concurrent misses of one key
     * wait for a single read: when an entry expires under load, the clients polling it do not all go to PostgreSQL.
     */
    Entry get(Key key, Supplier<List<MetricPoint>> read) {
        Entry entry = entries.getIfPresent(key);
        if (entry == null || !fresh(key, entry)) {
            entry = entries.asMap().compute(key, (k, old) -> old != null && fresh(k, old) ? old : load(read));
        }
        return entry;
    }

    private Entry load(Supplier<List<MetricPoint>> read) {
        long started = writes.get();
        return new Entry(started, List.copyOf(read.get()), writer);
    }

    private boolean fresh(Key key, Entry entry) {
        return entry.readStartedAfter >= lastWriteOf(key.run());
    }

    /** To be called after a write of the run's points has committed. */
    void written(UUID run) {
        lastWrite.put(run, writes.incrementAndGet());
    }

    void bindTo(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, entries, "metric_reads");
    }

    private long lastWriteOf(UUID run) {
        Long last = lastWrite.getIfPresent(run);
        return last == null ? 0 : last;
    }
}
