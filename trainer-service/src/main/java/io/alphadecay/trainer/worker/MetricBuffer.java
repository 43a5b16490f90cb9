package io.alphadecay.trainer.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.client.Unavailable;
import io.alphadecay.api.metric.MetricPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metric points of one run, sent in batches. A batch the control-api could not take ({@link Unavailable}) stays for
 * the next flush; the control-api overwrites a re-sent (name, step), so resending never doubles data. A batch it
 * refuses is dropped and counted, since sending it again would be refused again. Beyond {@code limit} buffered
 * points the oldest are dropped and counted too, rather than letting memory grow without bound.
 */
public final class MetricBuffer {

    static final int BATCH = 10_000;
    private static final Logger log = LoggerFactory.getLogger(MetricBuffer.class);

    private final UUID run;
    private final int limit;
    private final Deque<MetricPoint> pending = new ArrayDeque<>();
    /** One flush at a time, so a final flush waits for one under way instead of finding its points missing. */
    private final ReentrantLock sending = new ReentrantLock();

    private long dropped;

    public MetricBuffer(UUID run, int limit) {
        this.run = run;
        this.limit = limit;
    }

    public synchronized void add(String name, long step, double value) {
        if (!Double.isFinite(value)) {
            return; // The control-api stores finite numbers only; a NaN loss is reported as the run's failure.
        }
        pending.addLast(new MetricPoint(name, step, value));
        trim();
    }

    /** Sends everything buffered; returns false if the control-api could not take it now (the points stay). */
    public boolean flush(ControlApiClient client) {
        sending.lock();
        try {
            while (true) {
                List<MetricPoint> batch = take();
                if (batch.isEmpty()) {
                    return true;
                }
                try {
                    client.postMetrics(run, batch);
                } catch (Unavailable ex) {
                    putBack(batch);
                    log.warn("Metrics of run {} kept for a later try: {}", run, ex.getMessage());
                    return false;
                } catch (ApiCallException refused) {
                    synchronized (this) {
                        dropped += batch.size();
                    }
                    log.error(
                            "Run {}: the control-api refused {} metric points, which are dropped: {}",
                            run,
                            batch.size(),
                            refused.getMessage());
                }
            }
        } finally {
            sending.unlock();
        }
    }

    private synchronized List<MetricPoint> take() {
        List<MetricPoint> batch = new ArrayList<>();
        while (!pending.isEmpty() && batch.size() < BATCH) {
            batch.add(pending.pollFirst());
        }
        return batch;
    }

    private synchronized void putBack(List<MetricPoint> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            pending.addFirst(batch.get(i));
        }
        trim();
    }

    private void trim() {
        while (pending.size() > limit) {
            pending.removeFirst();
            dropped++;
        }
    }

    public synchronized int pending() {
        return pending.size();
    }

    public synchronized long dropped() {
        return dropped;
    }
}
