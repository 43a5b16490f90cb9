package io.alphadecay.trainer.worker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The trainer's own Prometheus metrics, fed by the points a training job reports: current loss and throughput as
 * gauges of the worker (no per-run labels, so cardinality stays fixed), and step, esd round-trip and checkpoint
 * durations as histograms.
 */
public final class TrainerMeters {

    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
    private final Timer step;
    private final Timer esdRoundTrip;
    private final Timer checkpoint;

    public TrainerMeters(MeterRegistry registry) {
        gauge(registry, "alphadecay.trainer.train.loss", "train_loss", "Latest training loss");
        gauge(registry, "alphadecay.trainer.tokens.per.second", "tokens_per_second", "Latest training throughput");
        gauge(registry, "alphadecay.trainer.validation.perplexity", "val_perplexity", "Latest validation perplexity");
        step = Timer.builder("alphadecay.trainer.step.duration")
                .description("Duration of one optimizer step")
                .publishPercentileHistogram()
                .register(registry);
        esdRoundTrip = Timer.builder("alphadecay.trainer.esd.round.trip")
                .description("From sending the weights to the esd-service to having the new decays")
                .publishPercentileHistogram()
                .register(registry);
        checkpoint = Timer.builder("alphadecay.trainer.checkpoint.write")
                .description("Writing one full checkpoint")
                .publishPercentileHistogram()
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String meter, String point, String description) {
        AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
        gauges.put(point, value);
        Gauge.builder(meter, value, AtomicReference::get)
                .description(description)
                .register(registry);
    }

    /** Takes a metric point of a run; the names are the ones jobs report to the control-api. */
    public void record(String name, double value) {
        AtomicReference<Double> gauge = gauges.get(name);
        if (gauge != null) {
            gauge.set(value);
            return;
        }
        Duration duration = Duration.ofNanos((long) (value * 1e9));
        switch (name) {
            case "step_seconds" -> step.record(duration);
            case "esd_round_trip_seconds" -> esdRoundTrip.record(duration);
            case "checkpoint_seconds" -> checkpoint.record(duration);
            default -> {
                // Other points (learning rate, gradient norm) live in the control-api only.
            }
        }
    }
}
