package io.alphadecay.esd.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.alphadecay.api.analysis.AnalysisResult;
import io.alphadecay.api.analysis.ReportOutcome;
import io.alphadecay.common.web.ApiException;
import io.alphadecay.esd.config.EsdProperties;
import io.alphadecay.esd.report.ControlApiReporter;
import io.alphadecay.esd.spectrum.SpectralAnalyzer;
import io.alphadecay.safetensors.MalformedCheckpointException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Service;

/**
 * Admission, metrics and reporting around {@link CheckpointAnalyzer}. Beyond the configured number of concurrent
 * analyses a caller gets 429 with Retry-After instead of queueing unbounded work.
 */
@Service
class AnalysisService {

    private final EsdProperties.Analysis settings;
    private final CheckpointAnalyzer analyzer;
    private final ExecutorService workers;
    private final Semaphore admission;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ControlApiReporter reporter;
    private final ModuleSelector defaultSelector;
    private final MeterRegistry registry;
    private final Timer duration;
    private final Counter bytes;

    AnalysisService(EsdProperties properties, ControlApiReporter reporter, MeterRegistry registry) {
        this.settings = properties.analysis();
        AtomicInteger threadIds = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.effectiveWorkers(), runnable -> {
            Thread thread = new Thread(runnable, "esd-worker-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.analyzer = new CheckpointAnalyzer(workers, settings, new SpectralAnalyzer()::analyze);
        this.admission = new Semaphore(settings.maxConcurrent());
        this.reporter = reporter;
        this.defaultSelector = ModuleSelector.of(settings.include(), settings.exclude(), "configuration");
        this.registry = registry;
        this.duration = Timer.builder("alphadecay.esd.analysis.duration")
                .description("Whole-checkpoint analysis time")
                .register(registry);
        this.bytes = Counter.builder("alphadecay.esd.bytes.received")
                .baseUnit("bytes")
                .description("Checkpoint bytes received")
                .register(registry);
        Gauge.builder("alphadecay.esd.analyses.in.flight", inFlight, AtomicInteger::get)
                .description("Analyses being computed now")
                .register(registry);
    }

    AnalysisResult analyze(
            InputStream body, AnalysisParameters.Overrides overrides, String include, String exclude, boolean report)
            throws IOException, MalformedCheckpointException {
        ModuleSelector selector = include == null && exclude == null
                ? defaultSelector
                : ModuleSelector.of(
                        include == null ? settings.include() : include,
                        exclude == null ? settings.exclude() : exclude,
                        "query");
        if (!admission.tryAcquire()) {
            countFailure("busy");
            throw ApiException.tooManyRequests(
                    "At most " + settings.maxConcurrent() + " analyses run at once; try again shortly",
                    settings.retryAfter().toSeconds());
        }
        inFlight.incrementAndGet();
        long started = System.nanoTime();
        AnalysisResult result;
        try {
            result = analyzer.analyze(body, overrides, selector);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while analysing", ex);
        } finally {
            inFlight.decrementAndGet();
            admission.release();
        }
        duration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        bytes.increment(result.bytesReceived());
        result.modules()
                .forEach(m -> registry.counter("alphadecay.esd.modules.analyzed", "status", m.status())
                        .increment());
        return result.withReport(report(result, report));
    }

    void countFailure(String kind) {
        registry.counter("alphadecay.esd.failures", "kind", kind).increment();
    }

    private ReportOutcome report(AnalysisResult result, boolean wanted) {
        if (!wanted) {
            return ReportOutcome.skipped("report=false");
        }
        if (result.runId() == null) {
            return ReportOutcome.skipped("no run id");
        }
        if (result.step() == null) {
            return ReportOutcome.skipped("no step");
        }
        return reporter.report(result);
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
