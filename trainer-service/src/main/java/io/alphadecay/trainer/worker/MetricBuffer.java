package io.alphadecay.trainer.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

import io.alphadecay.trainer.client.ControlApiClient;
import io.alphadecay.trainer.client.ControlApiClient.Point;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metric points of one run, sent in batches. A failed send keeps the points for the next flush; the control-api
 * overwrites a re-sent (name, step), so resending never doubles data. Beyond {@code limit} buffered points the
 * oldest are dropped, and that is counted and logged rather than letting memory grow without bound.
 */
public final class MetricBuffer {

    static final int BATCH = 10_000;
    private static final Logger log = LoggerFactory.getLogger(MetricBuffer.class);

    private final UUID run;
    private final ControlApiClient client;
    private final int limit;
    private final Deque<Point> pending = new ArrayDeque<>();
    private long dropped;

    public MetricBuffer(UUID run, ControlApiClient client, int limit) {
        this.run = run;
        this.client = client;
        this.limit = limit;
    }

    public synchronized void add(String name, long step, double value) {
        if (!Double.isFinite(value)) {
            return; // The control-api stores finite numbers only; a NaN loss is reported as the run's failure.
        }
        pending.addLast(new Point(name, step, value));
        trim();
    }

    /** Sends everything buffered; returns false if the control-api could not take it (the points stay). */
    public boolean flush() {
        while (true) {
            List<Point> batch = new ArrayList<>();
            synchronized (this) {
                while (!pending.isEmpty() && batch.size() < BATCH) {
                    batch.add(pending.pollFirst());
                }
            }
            if (batch.isEmpty()) {
                return true;
            }
            try {
                client.postMetrics(run, batch);
            }
            catch (ControlApiClient.Unavailable ex) {
                synchronized (this) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        pending.addFirst(batch.get(i));
                    }
                    trim();
                }
                log.warn("Metrics of run {} kept for a later try: {}", run, ex.getMessage());
                return false;
            }
        }
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
