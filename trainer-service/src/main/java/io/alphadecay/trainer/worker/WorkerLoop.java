package io.alphadecay.trainer.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.run.Run;
import io.alphadecay.trainer.training.TrainingJob;
import io.alphadecay.trainer.training.TrainingJobFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread per slot (one run per device) that claims the oldest queued run, trains it, and claims again. If the
 * control-api is unreachable it waits and retries, with a growing pause up to a minute.
 */
public final class WorkerLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);
    private static final long MAX_BACKOFF_MILLIS = 60_000;

    private final ControlApiClient client;
    private final RunExecutor executor;
    private final TrainingJobFactory jobs;
    private final String workerId;
    private final Map<String, String> provenance;
    private final long pollMillis;
    private final List<Thread> threads = new ArrayList<>();
    private final Object idle = new Object();
    private volatile boolean running;

    public WorkerLoop(
            ControlApiClient client,
            RunExecutor executor,
            TrainingJobFactory jobs,
            String workerId,
            Map<String, String> provenance,
            long pollMillis) {
        this.client = client;
        this.executor = executor;
        this.jobs = jobs;
        this.workerId = workerId;
        this.provenance = Map.copyOf(provenance);
        this.pollMillis = pollMillis;
    }

    public synchronized void start(int slots) {
        running = true;
        for (int slot = 0; slot < slots; slot++) {
            String slotId = slots == 1 ? workerId : workerId + ":" + slot;
            Thread thread = new Thread(() -> loop(slotId), "trainer-slot-" + slot);
            thread.start();
            threads.add(thread);
        }
    }

    private void loop(String slotId) {
        long backoff = pollMillis;
        while (running) {
            Optional<Run> claimed;
            try {
                claimed = client.claim(slotId, provenance);
                backoff = pollMillis;
            } catch (ApiCallException | RuntimeException ex) {
                log.warn("Cannot claim runs now ({}); retrying in {} ms", ex.getMessage(), backoff);
                pause(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                continue;
            }
            if (claimed.isEmpty()) {
                pause(pollMillis);
                continue;
            }
            Run run = claimed.get();
            log.info("Claimed run {} ({}), attempt {}", run.id(), run.name(), run.attempt());
            TrainingJob job;
            try {
                job = jobs.create(run);
            } catch (Exception ex) {
                job = control -> {
                    throw ex; // reported as FAILED with the reason by the executor
                };
            }
            executor.execute(run, slotId, job);
        }
    }

    /** Waits between claims; {@link #close()} ends the wait early. */
    private void pause(long millis) {
        synchronized (idle) {
            if (!running) {
                return;
            }
            try {
                idle.wait(millis);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /**
     * Stops claiming, asks running jobs to stop at their next step, and waits for them. Slot threads are woken, not
     * interrupted: a job stopping for shutdown still writes its checkpoint and sends its last metrics over HTTP, and
     * an interrupted thread's requests fail at once.
     */
    @Override
    public synchronized void close() {
        executor.shutdown();
        synchronized (idle) {
            running = false;
            idle.notifyAll();
        }
        for (Thread thread : threads) {
            try {
                thread.join(120_000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }
}
