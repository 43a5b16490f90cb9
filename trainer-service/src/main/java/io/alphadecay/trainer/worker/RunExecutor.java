package io.alphadecay.trainer.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.checkpoint.NewCheckpoint;
import io.alphadecay.api.client.ApiCallException;
import io.alphadecay.api.client.ControlApiClient;
import io.alphadecay.api.client.LeaseLost;
import io.alphadecay.api.client.RetryPolicy;
import io.alphadecay.api.client.Unavailable;
import io.alphadecay.api.run.Run;
import io.alphadecay.api.run.RunState;
import io.alphadecay.trainer.training.TrainingJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed run: heartbeats that renew the lease and carry progress, metric flushes, cancellation within a
 * step, and the final state report. If the control-api is unreachable, training goes on and the periodic calls
 * try again at their next turn; the final metrics and report are sent under a retry policy. If the lease is lost
 * (another worker took the run over), training stops without reporting.
 */
public final class RunExecutor {

    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);
    /** The run's end is worth waiting for: five attempts over about three seconds. */
    static final RetryPolicy FINAL_CALLS = RetryPolicy.attempts(5, Duration.ofMillis(200));

    private static final long TIMER_DRAIN_SECONDS = 60;

    private final ControlApiClient client;
    private final ControlApiClient finalCalls;
    private final long heartbeatMillis;
    private final long flushMillis;
    private final int metricBufferLimit;
    private final TrainerMeters meters;
    private volatile boolean shuttingDown;

    public RunExecutor(
            ControlApiClient client,
            long heartbeatMillis,
            long flushMillis,
            int metricBufferLimit,
            TrainerMeters meters) {
        this.client = client;
        this.finalCalls = client.withRetry(FINAL_CALLS);
        this.meters = meters;
        this.heartbeatMillis = heartbeatMillis;
        this.flushMillis = flushMillis;
        this.metricBufferLimit = metricBufferLimit;
    }

    /** Why training stopped early, if it did. */
    enum StopReason {
        CANCELLED,
        LEASE_LOST,
        SHUTDOWN
    }

    /** Trains {@code run}, which {@code workerId} holds the lease on, to its end and reports it. */
    public void execute(Run run, String workerId, TrainingJob job) {
        UUID id = run.id();
        MetricBuffer metrics = new MetricBuffer(id, metricBufferLimit);
        AtomicReference<StopReason> stop = new AtomicReference<>();
        AtomicLong step =
                new AtomicLong(run.progress() == null ? 0 : run.progress().step());
        AtomicLong tokens =
                new AtomicLong(run.progress() == null ? 0 : run.progress().tokensSeen());
        AtomicReference<Double> eta = new AtomicReference<>();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "run-" + id.toString().substring(0, 8) + "-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.scheduleWithFixedDelay(
                () -> heartbeat(id, workerId, step.get(), tokens.get(), eta.get(), stop),
                heartbeatMillis,
                heartbeatMillis,
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> metrics.flush(client), flushMillis, flushMillis, TimeUnit.MILLISECONDS);

        RunState finalState;
        String reason = null;
        try {
            TrainingJob.Outcome outcome = job.run(new RunControl(id, metrics, stop, step, tokens, eta));
            if (outcome == TrainingJob.Outcome.COMPLETED) {
                finalState = RunState.SUCCEEDED;
            } else if (stop.get() == StopReason.CANCELLED) {
                finalState = RunState.CANCELLED;
            } else {
                finalState = null; // lease lost or shutting down: the run is someone else's, or will be resumed
                stop.compareAndSet(null, StopReason.SHUTDOWN);
            }
        } catch (Exception | Error ex) {
            log.error("Run {} failed", id, ex);
            finalState = RunState.FAILED;
            reason = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        } finally {
            drain(timers);
        }
        if (!metrics.flush(finalCalls)) {
            log.error("Run {}: {} metric points could not be sent", id, metrics.pending());
        }
        if (finalState != null) {
            // The last progress (tokens seen) goes out before the run ends, when heartbeats are still accepted.
            heartbeat(id, workerId, step.get(), tokens.get(), 0.0, stop);
            report(id, workerId, finalState, reason, step.get());
        } else {
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

    /** Stops the periodic calls and lets one under way finish, so its points are flushed or back in the buffer. */
    private static void drain(ScheduledExecutorService timers) {
        timers.shutdown();
        try {
            if (!timers.awaitTermination(TIMER_DRAIN_SECONDS, TimeUnit.SECONDS)) {
                timers.shutdownNow();
            }
        } catch (InterruptedException ex) {
            timers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void heartbeat(
            UUID id, String workerId, long step, long tokens, Double eta, AtomicReference<StopReason> stop) {
        try {
            Run current = client.heartbeat(id, workerId, step, tokens, eta);
            if (current.cancelRequested()) {
                stop.compareAndSet(null, StopReason.CANCELLED);
            }
        } catch (LeaseLost ex) {
            log.warn("Run {}: lease lost, stopping: {}", id, ex.getMessage());
            stop.compareAndSet(null, StopReason.LEASE_LOST);
        } catch (Unavailable ex) {
            log.warn("Run {}: heartbeat failed, training goes on: {}", id, ex.getMessage());
        } catch (ApiCallException ex) {
            log.warn("Run {}: heartbeat refused: {}", id, ex.getMessage());
        }
    }

    private void report(UUID id, String workerId, RunState state, String reason, long step) {
        try {
            finalCalls.reportState(id, workerId, state, reason, step);
            log.info("Run {} {} at step {}", id, state, step);
        } catch (LeaseLost ex) {
            log.warn("Run {}: could not report {}: the lease is gone", id, state);
        } catch (ApiCallException ex) {
            log.error(
                    "Run {}: could not report {} ({}); the lease will expire and the run be retried",
                    id,
                    state,
                    ex.getMessage());
        }
    }

    /** The job's channel to the control-api, for one run. */
    private final class RunControl implements TrainingJob.Control {

        private final UUID id;
        private final MetricBuffer metrics;
        private final AtomicReference<StopReason> stop;
        private final AtomicLong step;
        private final AtomicLong tokens;
        private final AtomicReference<Double> eta;

        RunControl(
                UUID id,
                MetricBuffer metrics,
                AtomicReference<StopReason> stop,
                AtomicLong step,
                AtomicLong tokens,
                AtomicReference<Double> eta) {
            this.id = id;
            this.metrics = metrics;
            this.stop = stop;
            this.step = step;
            this.tokens = tokens;
            this.eta = eta;
        }

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
            } catch (ApiCallException ex) {
                log.warn("Run {}: event not recorded ({}): {}", id, ex.getMessage(), message);
            }
        }

        @Override
        public void checkpointCommitted(NewCheckpoint checkpoint) {
            try {
                client.registerCheckpoint(id, checkpoint);
            } catch (ApiCallException ex) {
                log.warn(
                        "Run {}: checkpoint at step {} written but not registered: {}",
                        id,
                        checkpoint.step(),
                        ex.getMessage());
            }
        }

        @Override
        public Optional<DecayAssignment> decayAssignment() {
            try {
                return Optional.of(client.decayAssignment(id));
            } catch (ApiCallException ex) {
                log.warn("Run {}: no decay assignment from the control-api ({})", id, ex.getMessage());
                return Optional.empty();
            }
        }
    }
}
