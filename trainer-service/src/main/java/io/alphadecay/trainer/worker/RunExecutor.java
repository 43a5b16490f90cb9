package io.alphadecay.trainer.worker;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.alphadecay.trainer.client.ControlApiClient;
import io.alphadecay.trainer.training.TrainingJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed run: heartbeats that renew the lease and carry progress, metric flushes, cancellation within a
 * step, and the final state report. If the control-api is unreachable, training goes on and calls are retried;
 * if the lease is lost (another worker took the run over), training stops without reporting.
 */
public final class RunExecutor {

    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);
    private static final int FINAL_REPORT_ATTEMPTS = 5;

    private final ControlApiClient client;
    private final long heartbeatMillis;
    private final long flushMillis;
    private final int metricBufferLimit;
    private final TrainerMeters meters;
    private volatile boolean shuttingDown;

    public RunExecutor(ControlApiClient client, long heartbeatMillis, long flushMillis, int metricBufferLimit,
            TrainerMeters meters) {
        this.client = client;
        this.meters = meters;
        this.heartbeatMillis = heartbeatMillis;
        this.flushMillis = flushMillis;
        this.metricBufferLimit = metricBufferLimit;
    }

    /** Why training stopped early, if it did. */
    enum StopReason {
        CANCELLED, LEASE_LOST, SHUTDOWN
    }

    /** Trains {@code run}, which {@code workerId} holds the lease on, to its end and reports it. */
    public void execute(ControlApiClient.Run run, String workerId, TrainingJob job) {
        UUID id = run.id();
        MetricBuffer metrics = new MetricBuffer(id, client, metricBufferLimit);
        AtomicReference<StopReason> stop = new AtomicReference<>();
        AtomicLong step = new AtomicLong(run.progress() == null ? 0 : run.progress().step());
        AtomicLong tokens = new AtomicLong(run.progress() == null ? 0 : run.progress().tokensSeen());
        AtomicReference<Double> eta = new AtomicReference<>();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "run-" + id.toString().substring(0, 8) + "-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.scheduleWithFixedDelay(() -> heartbeat(id, workerId, step.get(), tokens.get(), eta.get(), stop), heartbeatMillis,
                heartbeatMillis, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(metrics::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);

        TrainingJob.Control control = new TrainingJob.Control() {
            @Override
            public boolean stopRequested() {
                return shuttingDown || stop.get() != null || Thread.currentThread().isInterrupted();
            }

            @Override
            public void progress(long newStep, long tokensSeen, double etaSeconds) {
                step.set(newStep);
                tokens.set(tokensSeen);
                eta.set(etaSeconds);
            }

            @Override
            public void metric(String name, long metricStep, double value) {
                metrics.add(name, metricStep, value);
                meters.record(name, value);
            }

            @Override
            public void event(String type, String message) {
                try {
                    client.event(id, type, message);
                }
                catch (ControlApiClient.Unavailable ex) {
                    log.warn("Run {}: event not recorded ({}): {}", id, ex.getMessage(), message);
                }
            }
        };

        String finalState;
        String reason = null;
        try {
            TrainingJob.Outcome outcome = job.run(control);
            if (outcome == TrainingJob.Outcome.COMPLETED) {
                finalState = "SUCCEEDED";
            }
            else if (stop.get() == StopReason.CANCELLED) {
                finalState = "CANCELLED";
            }
            else {
                finalState = null; // lease lost or shutting down: the run is someone else's, or will be resumed
                stop.compareAndSet(null, StopReason.SHUTDOWN);
            }
        }
        catch (Exception | Error ex) {
            log.error("Run {} failed", id, ex);
            finalState = "FAILED";
            reason = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        finally {
            timers.shutdownNow();
        }
        flushWithRetries(metrics);
        if (finalState != null) {
            // The last progress (tokens seen) goes out before the run ends, when heartbeats are still accepted.
            heartbeat(id, workerId, step.get(), tokens.get(), 0.0, stop);
            report(id, workerId, finalState, reason, step.get());
        }
        else {
            log.info("Run {} stopped at step {} ({}); not reporting a final state", id, step.get(), stop.get());
        }
    }


    /**
     * Makes every execution stop at its next step boundary without a final report: the run keeps its last
     * checkpoint, its lease expires, and another worker (or this one, restarted) resumes it.
     */
    public void shutdown() {
        shuttingDown = true;
    }

    private void heartbeat(UUID id, String workerId, long step, long tokens, Double eta, AtomicReference<StopReason> stop) {
        try {
            ControlApiClient.Run current = client.heartbeat(id, workerId, step, tokens, eta);
            if (current.cancelRequested()) {
                stop.compareAndSet(null, StopReason.CANCELLED);
            }
        }
        catch (ControlApiClient.LeaseLost ex) {
            log.warn("Run {}: lease lost, stopping: {}", id, ex.getMessage());
            stop.compareAndSet(null, StopReason.LEASE_LOST);
        }
        catch (ControlApiClient.Unavailable ex) {
            log.warn("Run {}: heartbeat failed, training goes on: {}", id, ex.getMessage());
        }
        catch (RuntimeException ex) {
            log.warn("Run {}: heartbeat refused: {}", id, ex.getMessage());
        }
    }

    private void flushWithRetries(MetricBuffer metrics) {
        long backoff = 200;
        for (int attempt = 0; attempt < FINAL_REPORT_ATTEMPTS && !metrics.flush(); attempt++) {
            sleep(backoff);
            backoff *= 2;
        }
    }

    private void report(UUID id, String workerId, String state, String reason, long step) {
        long backoff = 200;
        for (int attempt = 1; attempt <= FINAL_REPORT_ATTEMPTS; attempt++) {
            try {
                client.reportState(id, workerId, state, reason, step);
                log.info("Run {} {} at step {}", id, state, step);
                return;
            }
            catch (ControlApiClient.LeaseLost ex) {
                log.warn("Run {}: could not report {}: the lease is gone", id, state);
                return;
            }
            catch (ControlApiClient.Unavailable ex) {
                sleep(backoff);
                backoff *= 2;
            }
        }
        log.error("Run {}: could not report {} after {} attempts; the lease will expire and the run be retried", id,
                state, FINAL_REPORT_ATTEMPTS);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
